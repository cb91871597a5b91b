/** Child process of the resume test: resumes `resumableRun` from a checkpoint and prints the parameters as JSON. */
import { resumableRun } from './runs.js';

const [checkpoint, maxSteps] = process.argv.slice(2);
const params = await resumableRun({ maxSteps: Number(maxSteps), resumeFrom: checkpoint });
process.stdout.write(JSON.stringify(params));

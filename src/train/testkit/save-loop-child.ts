/** Child process of the crash test: saves a large checkpoint to argv[2] in a loop until it is killed. */
import { saveForever } from './runs.js';

await saveForever(process.argv[2], Number(process.argv[3]));

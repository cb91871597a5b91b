import assert from 'node:assert/strict';
import { test } from 'node:test';
import { porterStem } from './porter.js';

test("nltk's PorterStemmer doctest: the plurals example", () => {
  // nltk's documented example (nltk/test/stem.doctest, "Unit tests for the Porter stemmer"):
  const words = 'caresses flies dies mules denied died agreed owned humbled sized meeting stating siezing itemization sensational traditional reference colonizer plotted';
  const stems = 'caress fli die mule deni die agre own humbl size meet state siez item sensat tradit refer colon plot';
  assert.equal(words.split(' ').map(porterStem).join(' '), stems);
});

test("Porter's paper examples, run through all the steps", () => {
  // Porter (1980), steps 1a–5b; the right-hand sides are the final stems, worked through every step
  const pairs: [string, string][] = [
    ['ponies', 'poni'], ['cats', 'cat'], ['feed', 'feed'], ['plastered', 'plaster'], ['bled', 'bled'],
    ['motoring', 'motor'], ['sing', 'sing'], ['hopping', 'hop'], ['tanned', 'tan'], ['falling', 'fall'],
    ['hissing', 'hiss'], ['fizzed', 'fizz'], ['failing', 'fail'], ['filing', 'file'], ['happy', 'happi'],
    ['sky', 'sky'], ['relational', 'relat'], ['conditional', 'condit'], ['hopeful', 'hope'], ['goodness', 'good'],
    ['adjustment', 'adjust'], ['irritant', 'irrit'], ['probate', 'probat'], ['rate', 'rate'], ['cease', 'ceas'],
    ['controll', 'control'], ['roll', 'roll'], ['generalizations', 'gener'],
  ];
  for (const [word, stem] of pairs) assert.equal(porterStem(word), stem, word);
});

test("nltk's extensions: irregular forms, short words, y → i only after a consonant", () => {
  assert.equal(porterStem('dying'), 'die');
  assert.equal(porterStem('skies'), 'sky');
  assert.equal(porterStem('news'), 'news');
  assert.equal(porterStem('as'), 'as'); // two letters: left alone (the paper's algorithm would give 'a')
  assert.equal(porterStem('enjoy'), 'enjoy');
  assert.equal(porterStem('spied'), 'spi');
  assert.equal(porterStem('constructor'), 'constructor'); // not an irregular form, whatever Object.prototype holds
});

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

// 280 word:stem pairs from nltk 3.8's PorterStemmer() (default mode), run on words of Moby-Dick and npm package
// READMEs longer than 3 letters (rouge-score stems only those); the whole 16,478-word list agreed with nltk
const NLTK_PAIRS =
  'abandonment:abandon abate:abat abide:abid afire:afir alfred:alfr alps:alp ambergriese:ambergries ' +
  'anacharsis:anacharsi analyse:analys andirons:andiron antarctic:antarct apartment:apart appearances:appear ' +
  'appellations:appel aristotle:aristotl arrowy:arrowi authoritative:authorit babes:babe barriers:barrier ' +
  'bashfulness:bash belisarius:belisariu bigotry:bigotri blasphemy:blasphemi bolts:bolt bony:boni ' +
  'bourbons:bourbon bowels:bowel bowes:bow brimful:brim burke:burk burn:burn butts:butt carefully:care ' +
  'centipede:centiped chairs:chair chaps:chap cheery:cheeri chimneys:chimney circus:circu civilized:civil ' +
  'cockpits:cockpit college:colleg comb:comb consolation:consol consternations:constern convivial:convivi ' +
  'corpulence:corpul crabs:crab crows:crow cruel:cruel cruise:cruis cruize:cruiz curve:curv daily:daili ' +
  'damocles:damocl davis:davi decipher:deciph deciphered:deciph delusions:delus deny:deni deplore:deplor ' +
  'depths:depth digging:dig discriminating:discrimin dislocated:disloc dislocation:disloc dismissed:dismiss ' +
  'distraction:distract divide:divid dreamed:dream elbe:elb elegant:eleg else:els embalmed:embalm ' +
  'embodiment:embodi energy:energi enforced:enforc equivalent:equival errantism:errant erudite:erudit ' +
  'establishment:establish estimated:estim evermore:evermor excellently:excel exhale:exhal experiences:experi ' +
  'exploded:explod extreme:extrem eyelids:eyelid faced:face falls:fall fickleness:fickl fidelities:fidel ' +
  'field:field fifty:fifti fireplaces:fireplac focus:focu foretell:foretel forts:fort freewill:freewil ' +
  'frisky:friski funny:funni furnace:furnac gamy:gami gasped:gasp genius:geniu greatness:great griffins:griffin ' +
  'grudge:grudg guttural:guttur hags:hag hallucination:hallucin harpoon:harpoon harris:harri heaps:heap ' +
  'heath:heath heathens:heathen heels:heel hickory:hickori hinge:hing horrors:horror hows:how hurried:hurri ' +
  'ignorance:ignor improvement:improv inability:inabl incapable:incap income:incom indiscretions:indiscret ' +
  'indispensable:indispens indubitably:indubit induced:induc inexplicable:inexplic interferes:interfer ' +
  'intimacy:intimaci irrevocably:irrevoc irritated:irrit ishmael:ishmael isle:isl jeopardize:jeopard jiffy:jiffi ' +
  'jogs:jog joyousness:joyous jury:juri kneepans:kneepan landscape:landscap language:languag later:later legs:leg ' +
  'livers:liver lividly:lividli loads:load lofty:lofti lonely:lone lookee:looke louis:loui lounge:loung ' +
  'lustily:lustili magnification:magnif majestical:majest maty:mati measure:measur message:messag mighty:mighti ' +
  'montaigne:montaign mossy:mossi mugs:mug mummies:mummi napping:nap navies:navi nervousness:nervous newly:newli ' +
  'nothingness:nothing orchard:orchard outyell:outyel pantaloon:pantaloon particle:particl peace:peac ' +
  'peltry:peltri pennies:penni persuasions:persuas plaits:plait poncho:poncho popularize:popular population:popul ' +
  'postpone:postpon povelson:povelson prairie:prairi preciousness:precious predecessor:predecessor ' +
  'predecessors:predecessor preserver:preserv profile:profil propontis:proponti pusie:pusi puts:put quite:quit ' +
  'quitting:quit quohogs:quohog rabbins:rabbin rags:rag ramming:ram recklessness:reckless recommends:recommend ' +
  'remarkably:remark reminiscence:reminisc repute:reput requisite:requisit responses:respons rocky:rocki ' +
  'rome:rome route:rout rudely:rude ruins:ruin sabbee:sabbe savoury:savouri scalloped:scallop ' +
  'schoolboys:schoolboy scrimps:scrimp seconds:second seethe:seeth serfs:serf settee:sette shaft:shaft ' +
  'sharkish:sharkish sheer:sheer shiftings:shift shrieked:shriek solander:soland sold:sold soliloquizing:soliloqu ' +
  'spotlessness:spotless steeped:steep stems:stem stirs:stir stowage:stowag strangely:strang stranger:stranger ' +
  'studied:studi subtle:subtl sugary:sugari suggestively:suggest sundry:sundri supernaturalism:supernatur ' +
  'swiftly:swiftli syracuse:syracus tails:tail tambourine:tambourin technicals:technic thermes:therm throw:throw ' +
  'toilette:toilett tops:top touchy:touchi triply:tripli triune:triun truths:truth turtle:turtl unaided:unaid ' +
  'unconsciously:unconsci undulation:undul unduly:unduli unsweetly:unsweetli unwillingness:unwilling ' +
  'unworshipping:unworship urchins:urchin usefulness:use vengeful:veng vesuvius:vesuviu visitants:visit ' +
  'volume:volum voyage:voyag wardrobe:wardrob warmly:warmli warnings:warn waved:wave wavy:wavi whenever:whenev ' +
  'wilds:wild withdrawals:withdraw ';

test("nltk 3.8's PorterStemmer on 280 words from Moby-Dick and package READMEs", () => {
  const pairs = NLTK_PAIRS.trim().split(/\s+/).map((p) => p.split(':'));
  assert.equal(pairs.length, 280);
  for (const [word, stem] of pairs) assert.equal(porterStem(word), stem, word);
});

/**
 * Seeded French article text for the feed farm: distinct stories about Russia and North Korea
 * (tests/dedupe/story-generator.ts builds its stories from the same vocabulary) and ordinary
 * French news about everything else, with the lengths of real feeds (a title of 60–110
 * characters, a summary of 2–3 sentences, HTML content of 3–6 KB).
 */

/** Mulberry32: a tiny seeded PRNG, so every run builds the same text. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A stable 32-bit seed from several integers. */
export function mixSeed(...parts: number[]): number {
  let h = 0x811c9dc5;
  for (const part of parts) {
    h = Math.imul(h ^ (part >>> 0), 0x01000193) >>> 0;
    h = Math.imul(h ^ (h >>> 13), 0x5bd1e995) >>> 0;
  }
  return h >>> 0;
}

export interface StoryText {
  title: string;
  summary: string;
  /** Paragraphs of the body, plain text; the feed wraps them in HTML. */
  paragraphs: string[];
}

export function pick<T>(r: () => number, list: readonly T[]): T {
  return list[Math.floor(r() * list.length)] as T;
}

export const ACTORS = ['Vladimir Poutine', 'Kim Jong Un', 'Sergueï Lavrov', 'Choe Son Hui', 'Sergueï Choïgou', 'Dmitri Peskov', 'Andreï Belooussov', 'Kim Yo Jong', 'Iouri Ouchakov', 'Maria Zakharova'];
export const RU_NK_PLACES = ['Moscou', 'Pyongyang', 'Koursk', 'Vladivostok', 'Wonsan', 'Khabarovsk', 'Rason', 'Saint-Pétersbourg', 'Vostotchny', 'Sinuiju'];
export const RU_NK_SUBJECTS = ['les livraisons d’obus', 'les missiles balistiques', 'le pétrole raffiné', 'les satellites de reconnaissance', 'le tourisme balnéaire', 'la liaison ferroviaire', 'les travailleurs détachés', 'les drones d’attaque', 'les exercices navals', 'la coopération spatiale', 'les échanges universitaires', 'les blessés soignés en Russie'];
export const DAYS = ['lundi', 'mardi', 'mercredi', 'jeudi', 'vendredi', 'samedi', 'dimanche'];
export const RU_NK_SENTENCES: ((r: () => number) => string)[] = [
  (r) => `${pick(r, ACTORS)} a évoqué ${pick(r, RU_NK_SUBJECTS)} lors d’un entretien à ${pick(r, RU_NK_PLACES)} avec une délégation ${r() < 0.5 ? 'nord-coréenne' : 'russe'}.`,
  (r) => `Selon des sources diplomatiques, ${1 + Math.floor(r() * 9000)} ${r() < 0.5 ? 'soldats' : 'ouvriers'} nord-coréens seraient concernés par cet accord signé ${pick(r, DAYS)}.`,
  (r) => `La Russie et la Corée du Nord ont annoncé un nouveau programme consacré à ${pick(r, RU_NK_SUBJECTS)}, financé à hauteur de ${1 + Math.floor(r() * 900)} millions de roubles.`,
  (r) => `À ${pick(r, RU_NK_PLACES)}, les autorités ont inauguré ${r() < 0.5 ? 'un centre' : 'un entrepôt'} destiné à ${pick(r, RU_NK_SUBJECTS)}, en présence de ${pick(r, ACTORS)}.`,
  (r) => `Séoul et Washington ont dénoncé ${pick(r, RU_NK_SUBJECTS)}, qu’ils jugent contraires aux résolutions du Conseil de sécurité des Nations unies.`,
  (r) => `Le Kremlin a démenti les informations publiées ${pick(r, DAYS)} par la presse sud-coréenne au sujet de ${pick(r, RU_NK_SUBJECTS)}.`,
  (r) => `Pyongyang a salué « l’amitié indestructible » avec Moscou, selon l’agence officielle KCNA, qui cite ${pick(r, ACTORS)}.`,
  (r) => `Des experts estiment que ${pick(r, RU_NK_SUBJECTS)} pourraient renforcer l’armée nord-coréenne d’ici ${2027 + Math.floor(r() * 5)}.`,
  (r) => `Un convoi parti de ${pick(r, RU_NK_PLACES)} a franchi la frontière ${pick(r, DAYS)} soir, d’après des images satellitaires analysées par un institut américain.`,
  (r) => `${pick(r, ACTORS)} doit se rendre à ${pick(r, RU_NK_PLACES)} le mois prochain pour signer plusieurs accords sur ${pick(r, RU_NK_SUBJECTS)}.`,
];

// Everyday French news, free of any Russia or North Korea term of the shipped rules.
const PEOPLE = ['la ministre de la santé', 'le maire de Lyon', 'la présidente de région', 'le sélectionneur des Bleus', 'un porte-parole du gouvernement', 'la directrice du festival', 'le préfet de Gironde', 'les syndicats de cheminots', 'le président du Sénat', 'une économiste de l’Insee', 'le procureur de Marseille', 'les agriculteurs bretons'];
const PLACES = ['Bordeaux', 'Lille', 'Nantes', 'Strasbourg', 'Toulouse', 'Rennes', 'Montpellier', 'Dijon', 'Grenoble', 'Clermont-Ferrand', 'Brest', 'Avignon', 'Bruxelles', 'Genève', 'Madrid', 'Lisbonne'];
const SUBJECTS = ['la réforme des retraites', 'le prix de l’électricité', 'la rentrée scolaire', 'les inondations du Sud-Ouest', 'le budget de la sécurité sociale', 'la sécheresse estivale', 'le festival de cinéma', 'la finale de la Coupe de France', 'les travaux du tramway', 'la grève des contrôleurs aériens', 'la vaccination contre la grippe', 'le marché de l’immobilier', 'la hausse des loyers', 'les élections municipales', 'la biodiversité des forêts', 'le plan vélo', 'la fermeture d’une usine', 'la pénurie de médecins'];
const SECTIONS = ['Économie', 'Société', 'Sport', 'Culture', 'Planète', 'Politique', 'Sciences', 'Régions'];
const SENTENCES: ((r: () => number) => string)[] = [
  (r) => `${cap(pick(r, PEOPLE))} a présenté ${pick(r, DAYS)} à ${pick(r, PLACES)} un plan consacré à ${pick(r, SUBJECTS)}, attendu depuis plusieurs mois par les élus locaux.`,
  (r) => `Selon les chiffres publiés ${pick(r, DAYS)}, ${1 + Math.floor(r() * 90)} % des personnes interrogées se disent préoccupées par ${pick(r, SUBJECTS)}.`,
  (r) => `Les discussions sur ${pick(r, SUBJECTS)} doivent reprendre la semaine prochaine, a indiqué ${pick(r, PEOPLE)}, sans préciser le calendrier retenu.`,
  (r) => `À ${pick(r, PLACES)}, ${pick(r, PEOPLE)} a rappelé que ${pick(r, SUBJECTS)} restait « une priorité absolue » pour les mois à venir.`,
  (r) => `Le coût total de l’opération est estimé à ${1 + Math.floor(r() * 900)} millions d’euros, financés pour moitié par l’État et pour moitié par les collectivités.`,
  (r) => `Plusieurs associations ont dénoncé ${pick(r, SUBJECTS)}, jugeant les mesures annoncées « très insuffisantes » au regard des enjeux.`,
  (r) => `« Nous avons besoin de temps et de moyens », a résumé ${pick(r, PEOPLE)} devant la presse réunie ${pick(r, DAYS)} matin.`,
  (r) => `D’après une étude publiée ${pick(r, DAYS)}, ${pick(r, SUBJECTS)} pourrait concerner ${1 + Math.floor(r() * 900)} 000 foyers d’ici ${2027 + Math.floor(r() * 5)}.`,
  (r) => `Les habitants de ${pick(r, PLACES)} ont été invités à une réunion publique sur ${pick(r, SUBJECTS)}, qui s’est tenue dans une salle comble.`,
  (r) => `Le gouvernement entend présenter un projet de loi sur ${pick(r, SUBJECTS)} avant la fin de l’année, selon ${pick(r, PEOPLE)}.`,
  (r) => `Les premiers effets de ${pick(r, SUBJECTS)} se font déjà sentir à ${pick(r, PLACES)}, où les commerçants constatent une baisse de fréquentation.`,
  (r) => `Interrogée sur ${pick(r, SUBJECTS)}, ${pick(r, PEOPLE)} a estimé que la situation « n’était pas tenable » et appelé à une concertation rapide.`,
];

const SYLLABLES = ['ba', 'ro', 'mi', 'lan', 'ver', 'tou', 'chel', 'gan', 'di', 'mor', 'sel', 'pa', 'rin', 'bou', 'las', 'té', 'no', 'vi', 'quel', 'fa', 'zor', 'ni', 'char', 'mé'];

/** A made-up proper name, so that distinct stories share few words beyond their templates. */
function properName(r: () => number): string {
  const count = 2 + Math.floor(r() * 2);
  return cap(Array.from({ length: count }, () => pick(r, SYLLABLES)).join(''));
}

/** A sentence naming people and places no other story names. */
function localColour(r: () => number): string {
  return `${properName(r)} ${properName(r)}, habitant de ${properName(r)}, et ${properName(r)} ${properName(r)}, élue de ${properName(r)}, ont témoigné ${pick(r, DAYS)} devant ${1 + Math.floor(r() * 400)} personnes.`;
}

function cap(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function paragraph(r: () => number, sentences: readonly ((r: () => number) => string)[], count: number): string {
  return [...Array.from({ length: count }, () => pick(r, sentences)(r)), localColour(r)].join(' ');
}

const WORDS = ('gouvernement accord frontière usine commerce marché rapport enquête témoins village ville région port navire train convoi entrepôt ' +
  'ministère ambassade délégation sommet visite réunion contrat livraison cargaison munitions carburant céréales engrais charbon acier ' +
  'ingénieurs ouvriers soldats officiers diplomates experts analystes chercheurs journalistes habitants réfugiés blessés prisonniers ' +
  'hiver printemps été automne matin soir nuit semaine mois année décennie hier demain aujourd’hui récemment bientôt longtemps ' +
  'nouveau ancien grand petit lourd rapide secret officiel militaire économique politique stratégique régional national frontalier ' +
  'annoncer confirmer démentir signer négocier livrer transporter financer construire réparer surveiller former envoyer recevoir ' +
  'images satellite photos documents sources chiffres estimations tonnes kilomètres millions milliards dollars roubles wons euros ' +
  'fleuve montagne côte baie tunnel pont route aéroport gare base caserne hôpital école université théâtre stade musée').split(' ');

/** A paragraph of topical words and made-up names: each story its own vocabulary, as distinct articles have. */
function reportage(r: () => number): string {
  const count = 45 + Math.floor(r() * 40);
  const words: string[] = [];
  for (let i = 0; i < count; i += 1) {
    words.push(r() < 0.25 ? properName(r) : pick(r, WORDS));
    if (r() < 0.08) words[words.length - 1] += ',';
  }
  return `${cap(words.join(' '))}.`;
}

/** A distinct story about Russia and North Korea, padded with ordinary paragraphs to a realistic length. */
export function relevantStory(seed: number): StoryText {
  const r = seededRandom(seed);
  const core = RU_NK_SENTENCES.map((s) => ({ s, k: r() })).sort((a, b) => a.k - b.k).slice(0, 6).map(({ s }) => s(r));
  const paragraphs = [`${core[0]} ${core[1]}`, `${core[2]} ${core[3]}`, `${core[4]} ${core[5]}`];
  const extra = 4 + Math.floor(r() * 5);
  for (let i = 0; i < extra; i += 1) paragraphs.push(reportage(r));
  paragraphs.push(`Dépêche ${seed % 1_000_000} : ${pick(r, ACTORS)} et ${pick(r, ACTORS)} se sont entretenus pendant ${1 + Math.floor(r() * 5)} heures.`);
  return {
    title: `Russie – Corée du Nord : ${pick(r, RU_NK_SUBJECTS)} au cœur des discussions à ${pick(r, RU_NK_PLACES)} (${seed % 100_000})`,
    summary: `${core[0]} ${core[1]}`,
    paragraphs,
  };
}

/** An ordinary French news story (society, economy, sport…), not about Russia or North Korea. */
export function ordinaryStory(seed: number): StoryText {
  const r = seededRandom(seed);
  const count = 6 + Math.floor(r() * 7);
  const paragraphs = Array.from({ length: count }, () => paragraph(r, SENTENCES, 3 + Math.floor(r() * 3)));
  const subject = pick(r, SUBJECTS);
  return {
    title: `${pick(r, SECTIONS)} : ${cap(subject)} à ${pick(r, PLACES)}, ${pick(r, PEOPLE)} promet des annonces (${seed % 100_000})`,
    summary: paragraph(r, SENTENCES, 2 + Math.floor(r() * 2)),
    paragraphs,
  };
}

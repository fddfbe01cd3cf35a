/**
 * Seeded generator of distinct French stories about Russia and North Korea, for tests and benches
 * that need many different relevant articles (far apart in SimHash) rather than a few real ones.
 */

export interface GeneratedStory {
  title: string;
  paragraphs: string[];
}

/** Mulberry32: a tiny seeded PRNG, so every run builds the same stories. */
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

const ACTORS = ['Vladimir Poutine', 'Kim Jong Un', 'Sergueï Lavrov', 'Choe Son Hui', 'Sergueï Choïgou', 'Dmitri Peskov', 'Andreï Belooussov', 'Kim Yo Jong', 'Iouri Ouchakov', 'Maria Zakharova'];
const PLACES = ['Moscou', 'Pyongyang', 'Koursk', 'Vladivostok', 'Wonsan', 'Khabarovsk', 'Rason', 'Saint-Pétersbourg', 'Vostotchny', 'Sinuiju'];
const SUBJECTS = ['les livraisons d’obus', 'les missiles balistiques', 'le pétrole raffiné', 'les satellites de reconnaissance', 'le tourisme balnéaire', 'la liaison ferroviaire', 'les travailleurs détachés', 'les drones d’attaque', 'les exercices navals', 'la coopération spatiale', 'les échanges universitaires', 'les blessés soignés en Russie'];
const DAYS = ['lundi', 'mardi', 'mercredi', 'jeudi', 'vendredi', 'samedi', 'dimanche'];
const SENTENCES: ((r: () => number) => string)[] = [
  (r) => `${pick(r, ACTORS)} a évoqué ${pick(r, SUBJECTS)} lors d’un entretien à ${pick(r, PLACES)} avec une délégation ${r() < 0.5 ? 'nord-coréenne' : 'russe'}.`,
  (r) => `Selon des sources diplomatiques, ${1 + Math.floor(r() * 9000)} ${r() < 0.5 ? 'soldats' : 'ouvriers'} nord-coréens seraient concernés par cet accord signé ${pick(r, DAYS)}.`,
  (r) => `La Russie et la Corée du Nord ont annoncé un nouveau programme consacré à ${pick(r, SUBJECTS)}, financé à hauteur de ${1 + Math.floor(r() * 900)} millions de roubles.`,
  (r) => `À ${pick(r, PLACES)}, les autorités ont inauguré ${r() < 0.5 ? 'un centre' : 'un entrepôt'} destiné à ${pick(r, SUBJECTS)}, en présence de ${pick(r, ACTORS)}.`,
  (r) => `Séoul et Washington ont dénoncé ${pick(r, SUBJECTS)}, qu’ils jugent contraires aux résolutions du Conseil de sécurité des Nations unies.`,
  (r) => `Le Kremlin a démenti les informations publiées ${pick(r, DAYS)} par la presse sud-coréenne au sujet de ${pick(r, SUBJECTS)}.`,
  (r) => `Pyongyang a salué « l’amitié indestructible » avec Moscou, selon l’agence officielle KCNA, qui cite ${pick(r, ACTORS)}.`,
  (r) => `Des experts estiment que ${pick(r, SUBJECTS)} pourraient renforcer l’armée nord-coréenne d’ici ${2027 + Math.floor(r() * 5)}.`,
  (r) => `Un convoi parti de ${pick(r, PLACES)} a franchi la frontière ${pick(r, DAYS)} soir, d’après des images satellitaires analysées par un institut américain.`,
  (r) => `${pick(r, ACTORS)} doit se rendre à ${pick(r, PLACES)} le mois prochain pour signer plusieurs accords sur ${pick(r, SUBJECTS)}.`,
];

function pick<T>(r: () => number, list: readonly T[]): T {
  return list[Math.floor(r() * list.length)] as T;
}

/** `count` stories, each of six sentences drawn without repetition, with a title naming both countries. */
export function generateStories(count: number, seed = 42): GeneratedStory[] {
  const r = seededRandom(seed);
  return Array.from({ length: count }, (_, n) => {
    const order = SENTENCES.map((s) => ({ s, k: r() })).sort((a, b) => a.k - b.k).slice(0, 6);
    const paragraphs = order.map(({ s }) => s(r));
    paragraphs.push(`Dépêche ${n + 1} : ${pick(r, ACTORS)} et ${pick(r, ACTORS)} se sont entretenus pendant ${1 + Math.floor(r() * 5)} heures.`);
    return { title: `Russie – Corée du Nord : ${pick(r, SUBJECTS)} au cœur des discussions à ${pick(r, PLACES)} (${n + 1})`, paragraphs };
  });
}

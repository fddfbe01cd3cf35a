/**
 * Countries as French news names them: the anchors `veille rules seed` builds topics
 * around (name, demonym, capital and a few places that imply the country).
 * Forms are written as in the rule language (`~` = French inflections, `*` = prefix).
 */

export interface CountryEntry {
  /** Topic id proposed for the country. */
  id: string;
  names: string[];
  demonyms: string[];
  capitals: string[];
  places: string[];
}

export const COUNTRY_GAZETTEER: readonly CountryEntry[] = [
  { id: 'russia', names: ['Russie', 'Fédération de Russie'], demonyms: ['russe~', 'russo*'], capitals: ['Moscou'], places: ['Koursk', 'Vladivostok', 'Saint-Pétersbourg', 'Sibérie'] },
  { id: 'north-korea', names: ['Corée du Nord', 'RPDC', 'République populaire démocratique de Corée'], demonyms: ['nord-coréen~'], capitals: ['Pyongyang'], places: ['Wonsan', 'Yongbyon'] },
  { id: 'south-korea', names: ['Corée du Sud', 'République de Corée'], demonyms: ['sud-coréen~'], capitals: ['Séoul'], places: ['Busan'] },
  { id: 'china', names: ['Chine', 'République populaire de Chine'], demonyms: ['chinois~', 'sino*'], capitals: ['Pékin', 'Beijing'], places: ['Shanghai', 'Xinjiang', 'Hong Kong'] },
  { id: 'iran', names: ['Iran', 'République islamique'], demonyms: ['iranien~'], capitals: ['Téhéran'], places: ['Ispahan', 'Natanz', 'Fordo'] },
  { id: 'ukraine', names: ['Ukraine'], demonyms: ['ukrainien~'], capitals: ['Kiev', 'Kyiv'], places: ['Kharkiv', 'Donbass', 'Zaporijjia', 'Odessa'] },
  { id: 'belarus', names: ['Biélorussie', 'Bélarus'], demonyms: ['biélorusse~'], capitals: ['Minsk'], places: [] },
  { id: 'japan', names: ['Japon'], demonyms: ['japonais~', 'nippon~'], capitals: ['Tokyo'], places: ['Okinawa'] },
  { id: 'united-states', names: ['États-Unis', 'Amérique'], demonyms: ['américain~'], capitals: ['Washington'], places: ['Maison Blanche', 'Pentagone'] },
  { id: 'france', names: ['France'], demonyms: ['français~', 'franco*'], capitals: ['Paris'], places: ['Élysée', 'Quai d’Orsay'] },
  { id: 'germany', names: ['Allemagne'], demonyms: ['allemand~'], capitals: ['Berlin'], places: [] },
  { id: 'united-kingdom', names: ['Royaume-Uni', 'Grande-Bretagne'], demonyms: ['britannique~'], capitals: ['Londres'], places: [] },
  { id: 'israel', names: ['Israël'], demonyms: ['israélien~'], capitals: ['Jérusalem', 'Tel-Aviv'], places: ['Gaza', 'Cisjordanie'] },
  { id: 'syria', names: ['Syrie'], demonyms: ['syrien~'], capitals: ['Damas'], places: ['Alep'] },
  { id: 'turkey', names: ['Turquie'], demonyms: ['turc', 'turque~'], capitals: ['Ankara'], places: ['Istanbul'] },
  { id: 'india', names: ['Inde'], demonyms: ['indien~'], capitals: ['New Delhi'], places: [] },
  { id: 'pakistan', names: ['Pakistan'], demonyms: ['pakistanais~'], capitals: ['Islamabad'], places: [] },
  { id: 'taiwan', names: ['Taïwan'], demonyms: ['taïwanais~'], capitals: ['Taipei'], places: [] },
  { id: 'iraq', names: ['Irak'], demonyms: ['irakien~'], capitals: ['Bagdad'], places: [] },
  { id: 'afghanistan', names: ['Afghanistan'], demonyms: ['afghan~'], capitals: ['Kaboul'], places: [] },
  { id: 'saudi-arabia', names: ['Arabie saoudite'], demonyms: ['saoudien~'], capitals: ['Riyad'], places: [] },
  { id: 'venezuela', names: ['Venezuela'], demonyms: ['vénézuélien~'], capitals: ['Caracas'], places: [] },
  { id: 'cuba', names: ['Cuba'], demonyms: ['cubain~'], capitals: ['La Havane'], places: [] },
  { id: 'vietnam', names: ['Vietnam', 'Viêt Nam'], demonyms: ['vietnamien~'], capitals: ['Hanoï'], places: [] },
  { id: 'mongolia', names: ['Mongolie'], demonyms: ['mongol~'], capitals: ['Oulan-Bator'], places: [] },
  { id: 'kazakhstan', names: ['Kazakhstan'], demonyms: ['kazakh~'], capitals: ['Astana'], places: [] },
  { id: 'georgia', names: ['Géorgie'], demonyms: ['géorgien~'], capitals: ['Tbilissi'], places: [] },
  { id: 'poland', names: ['Pologne'], demonyms: ['polonais~'], capitals: ['Varsovie'], places: [] },
  { id: 'yemen', names: ['Yémen'], demonyms: ['yéménite~'], capitals: ['Sanaa'], places: [] },
  { id: 'lebanon', names: ['Liban'], demonyms: ['libanais~'], capitals: ['Beyrouth'], places: [] },
];

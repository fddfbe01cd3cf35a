/** Builds small RSS 2.0 and Atom documents for pipeline tests (dates relative to now stay valid). */

export interface FixtureItem {
  title: string;
  text: string;
  link: string;
  guid?: string;
  /** Age in hours at build time. */
  ageHours?: number;
}

const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const dateAgo = (hours = 1) => new Date(Date.now() - hours * 3_600_000);

export function rssFeed(title: string, items: FixtureItem[]): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>${escape(title)}</title><link>https://example.fr/</link><description>Fixture</description>
${items.map((i) => `<item><title>${escape(i.title)}</title><link>${escape(i.link)}</link><guid>${escape(i.guid ?? i.link)}</guid>
<pubDate>${dateAgo(i.ageHours).toUTCString()}</pubDate><description>${escape(`<p>${i.text}</p>`)}</description></item>`).join('\n')}
</channel></rss>`;
}

export function atomFeed(title: string, items: FixtureItem[]): string {
  return `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>${escape(title)}</title><id>urn:fixture:${escape(title)}</id><updated>${new Date().toISOString()}</updated>
${items.map((i) => `<entry><title>${escape(i.title)}</title><link href="${escape(i.link)}"/><id>${escape(i.guid ?? i.link)}</id>
<updated>${dateAgo(i.ageHours).toISOString()}</updated><summary type="html">${escape(`<p>${i.text}</p>`)}</summary></entry>`).join('\n')}
</feed>`;
}

/** French items written for the tests. */
export const ITEMS = {
  alliance: {
    title: 'Vladimir Poutine reçoit Kim Jong Un au Kremlin',
    text: 'Le président russe a accueilli le dirigeant nord-coréen à Moscou pour renforcer le pacte de défense signé à Pyongyang, alors que des soldats nord-coréens combattent dans la région de Koursk.',
    link: 'https://exemple-un.fr/monde/poutine-kim-kremlin?utm_source=rss&utm_medium=feed',
  },
  lavrov: {
    title: 'Sergueï Lavrov en visite à Wonsan',
    text: 'Le ministre russe des Affaires étrangères a rencontré son homologue nord-coréenne Choe Son Hui, qui a salué le soutien de la Russie.',
    link: 'https://exemple-un.fr/monde/lavrov-wonsan',
  },
  football: {
    title: 'Le PSG s’impose face à Marseille',
    text: 'Les Parisiens ont remporté le classique dimanche soir au Parc des Princes grâce à un doublé de leur attaquant.',
    link: 'https://exemple-un.fr/sport/psg-om',
  },
  russiaOnly: {
    title: 'Moscou annonce de nouvelles sanctions contre des diplomates européens',
    text: 'Le Kremlin a expulsé plusieurs diplomates, en réponse aux mesures prises par l’Union européenne contre la Russie.',
    link: 'https://exemple-un.fr/monde/moscou-sanctions',
  },
  southKorea: {
    title: 'Séoul : le président sud-coréen remanie son gouvernement',
    text: 'En Corée du Sud, le chef de l’État a nommé un nouveau Premier ministre après des semaines de crise politique.',
    link: 'https://exemple-deux.fr/asie/seoul-remaniement',
  },
} satisfies Record<string, FixtureItem>;

/** Mismatched tags: no lenient reading can make items of it. */
export const MALFORMED_FEED = '<?xml version="1.0"?><rss version="2.0"><channel><title>Cassé</title><item><title>Un</titl><description>x</item></channel></rss>';

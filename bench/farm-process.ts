/** Child-process entry of the feed farm: `node farm-process.js '<CorpusOptions JSON>'`; prints {"port":…}. */
import { serveFeedFarm } from './feed-farm.js';
import type { CorpusOptions } from './feed-corpus.js';

const options = JSON.parse(process.argv[2] ?? '{}') as CorpusOptions;
const farm = await serveFeedFarm(options);
process.stdout.write(`${JSON.stringify({ port: farm.port })}\n`);
process.on('SIGTERM', () => { void farm.close().then(() => process.exit(0)); });

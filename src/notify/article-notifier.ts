/**
 * The article.kept producer: the store worker's onArticleStored hook. It only queues deliveries
 * (job id = event + article id + webhook, so one article is notified once per webhook); a queue
 * that cannot be reached is logged and the article stays stored — notifications never hold up
 * ingestion.
 */
import type { Queue } from 'bullmq';
import type { LiveWatchlist } from '../config/live-watchlist.js';
import type { StoredArticle } from '../storage/stored-article.js';
import type { Logger } from '../logging/logger.js';
import { enqueueNotifications, type NotifyJobData } from './notify-queue.js';
import { articleKeptPayload } from './payloads.js';

export function notifyArticleKept(queue: Queue<NotifyJobData>, live: Pick<LiveWatchlist, 'current'>, log: Logger, backoffMs?: number): (record: StoredArticle) => Promise<void> {
  return async (record) => {
    const webhooks = live.current.settings.webhooks;
    try {
      const jobIds = await enqueueNotifications(queue, webhooks, articleKeptPayload(record), `article.kept-${record.id}`, backoffMs);
      if (jobIds.length > 0) log.debug({ articleId: record.id, feedId: record.article.feedId, jobIds }, 'notify: article.kept queued');
    } catch (err) {
      log.error({ err, articleId: record.id, feedId: record.article.feedId }, 'notify: could not queue article.kept; the article is stored, its webhook is not sent');
    }
  };
}

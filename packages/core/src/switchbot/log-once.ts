/**
 * Log a condition once per container (per cold start), not on every run: unknown device types and fields, a
 * device skipped because its cloud service is off, a plug in the legacy current scale. They are facts about
 * the account that do not change between runs; repeating them every minute would bury everything else.
 *
 *   const firstTime = createFirstTimeFilter();   // module scope in the handler = once per cold start
 *   if (firstTime(`type:${type}`)) log.warn("unknown deviceType; not polled", { type });
 */
export type FirstTimeFilter = (key: string) => boolean;

export function createFirstTimeFilter(): FirstTimeFilter {
  const seen = new Set<string>();
  return (key) => {
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  };
}

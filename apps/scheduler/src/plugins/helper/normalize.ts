/**
 * Scales scores so the highest becomes `maxPriority` (helper.DefaultNormalizeScore); with `reverse`,
 * the highest becomes 0 and zero becomes `maxPriority`. All-zero scores become 0, or `maxPriority`
 * when reversed. Integer arithmetic truncates as Go's does.
 */
export function defaultNormalizeScore(maxPriority: number, reverse: boolean, scores: number[]): void {
  let maxCount = 0;
  for (const s of scores) if (s > maxCount) maxCount = s;
  if (maxCount === 0) {
    if (reverse) scores.fill(maxPriority);
    return;
  }
  for (let i = 0; i < scores.length; i++) {
    let score = Math.trunc((maxPriority * scores[i]!) / maxCount);
    if (reverse) score = maxPriority - score;
    scores[i] = score;
  }
}

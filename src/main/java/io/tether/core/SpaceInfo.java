package io.tether.core;

/**
 * A space's head: its last seq, the epoch that names this life of its history, {@code minSeq},
 * the lowest cursor the change log can still serve (changes up to it were compacted away), and
 * {@code rulesSeq}, the seq its current rules were set at (0: it never had rules).
 */
public record SpaceInfo(String id, long seq, String epoch, long minSeq, long rulesSeq) {

  public SpaceInfo(String id, long seq, String epoch, long minSeq) {
    this(id, seq, epoch, minSeq, 0);
  }

  /**
   * Whether a client at {@code since} in {@code epoch} (null: any) can be served from the change log:
   * not from before a compaction, nor from before the last rules change (its copy was judged by
   * rules that no longer hold, and the history before would be told under them).
   */
  public boolean canServe(long since, String clientEpoch) {
    return (clientEpoch == null || clientEpoch.equals(epoch)) && since >= servableFrom() && since <= seq;
  }

  /** The lowest cursor that can be served: what a {@code resync_required} names as {@code minSeq}. */
  public long servableFrom() {
    return Math.max(minSeq, rulesSeq);
  }
}

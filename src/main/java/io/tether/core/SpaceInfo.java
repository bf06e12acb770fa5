package io.tether.core;

/**
 * A space's head: its last seq, the epoch that names this life of its history, and {@code minSeq},
 * the lowest cursor the change log can still serve (changes up to it were compacted away).
 */
public record SpaceInfo(String id, long seq, String epoch, long minSeq) {

  /** Whether a client at {@code since} in {@code epoch} (null: any) can be served from the change log. */
  public boolean canServe(long since, String clientEpoch) {
    return (clientEpoch == null || clientEpoch.equals(epoch)) && since >= minSeq && since <= seq;
  }
}

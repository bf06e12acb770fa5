package io.tether.core;

/** A space's head: its last seq and the epoch that names this life of its history. */
public record SpaceInfo(String id, long seq, String epoch) {}

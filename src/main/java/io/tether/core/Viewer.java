package io.tether.core;

/** Who a read or write is judged for by a space's rules: the user and their role in the space. */
public record Viewer(String userId, Role role) {}

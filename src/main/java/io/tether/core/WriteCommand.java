package io.tether.core;

import io.vertx.core.json.JsonObject;

/**
 * One document write, already validated and authorized. For {@code PUT} {@code data} is the new
 * document, for {@code PATCH} a merge patch, for {@code DELETE} null.
 */
public record WriteCommand(String space, String collection, String id, Change.Op op, JsonObject data,
                           Precondition precondition, String mutationId, String actor) {}

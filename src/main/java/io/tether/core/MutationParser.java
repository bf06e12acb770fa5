package io.tether.core;

import io.vertx.core.json.JsonObject;
import java.util.regex.Pattern;

/** Validates one raw mutation of a batch; a malformed one becomes a {@code rejected} result, not a 400. */
public final class MutationParser {
  private static final Pattern MUTATION_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

  private final int maxDocumentBytes;

  public MutationParser(int maxDocumentBytes) {
    this.maxDocumentBytes = maxDocumentBytes;
  }

  /** The mutation, or throws a {@link TetherException} explaining why it is rejected. */
  public Mutation parse(Object raw) {
    if (!(raw instanceof JsonObject json)) {
      throw TetherException.badRequest("a mutation must be a JSON object");
    }
    String mutationId = mutationIdOf(json);
    if (mutationId == null) {
      throw TetherException.badRequest("mutationId must match [A-Za-z0-9._:-]{1,128}");
    }
    Change.Op op = switch (String.valueOf(json.getValue("op"))) {
      case "put" -> Change.Op.PUT;
      case "patch" -> Change.Op.PATCH;
      case "delete" -> Change.Op.DELETE;
      default -> throw TetherException.badRequest("op must be put, patch or delete");
    };
    String collection = Ids.collection(json.getValue("collection") instanceof String s ? s : null);
    String id = Ids.document(json.getValue("id") instanceof String s ? s : null);
    JsonObject data = null;
    if (op != Change.Op.DELETE) {
      if (!(json.getValue("data") instanceof JsonObject object)) {
        throw TetherException.badRequest(op.wire() + " needs a data object");
      }
      if (object.toBuffer().length() > maxDocumentBytes) {
        throw new TetherException(ErrorCode.TOO_LARGE, "document exceeds " + maxDocumentBytes + " bytes");
      }
      data = object;
    }
    Object base = json.getValue("baseVersion");
    Long baseVersion = null;
    if (base != null) {
      if (!(base instanceof Number n) || n.doubleValue() != n.longValue() || n.longValue() < 0) {
        throw TetherException.badRequest("baseVersion must be a non-negative integer");
      }
      baseVersion = n.longValue();
    }
    return new Mutation(mutationId, op, collection, id, data, baseVersion);
  }

  /** The mutation's id if it has a valid one, so even a rejection can name it. */
  public static String mutationIdOf(Object raw) {
    if (raw instanceof JsonObject json && json.getValue("mutationId") instanceof String id
        && MUTATION_ID.matcher(id).matches()) {
      return id;
    }
    return null;
  }
}

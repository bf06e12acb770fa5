package io.tether.rules;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelIssue;
import dev.cel.common.CelOptions;
import dev.cel.common.CelValidationException;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import io.tether.core.Ids;
import io.tether.core.TetherException;
import io.tether.core.Viewer;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A space's rules, compiled: per collection (or by default) a {@code read} and a {@code write} CEL
 * expression. An expression sees {@code auth.userId}, {@code role}, {@code id}, {@code collection},
 * {@code data} (the document; for a write, as it would be stored, or as it was for a delete), and
 * {@code before} and {@code after} (null where there is no document). Rules only narrow what roles
 * allow: a missing rule allows what the role allows, and an expression that fails to evaluate (a
 * missing field, a type mismatch at run time) denies. Immutable and thread-safe.
 */
public final class Rules {
  /** The most collections one rules document may name. */
  public static final int MAX_COLLECTIONS = 100;
  /** The longest expression, in characters. */
  public static final int MAX_EXPRESSION_CHARS = 4096;
  /** The largest rules document, as JSON bytes. */
  public static final int MAX_BYTES = 64 * 1024;

  /** No rules: every member reads, every writer writes, as roles alone say. */
  public static final Rules NONE = new Rules(new JsonObject(), Map.of(), Map.of(), null, null);

  private static final CelOptions OPTIONS = CelOptions.current()
      .enableHeterogeneousNumericComparisons(true)
      .comprehensionMaxIterations(RuleBudget.MAX_ITERATIONS)
      .maxRegexProgramSize(100)
      .build();
  private static final CelCompiler COMPILER = CelCompilerFactory.standardCelCompilerBuilder()
      .setOptions(OPTIONS)
      .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
      .addVar("auth", MapType.create(SimpleType.STRING, SimpleType.DYN))
      .addVar("role", SimpleType.STRING)
      .addVar("id", SimpleType.STRING)
      .addVar("collection", SimpleType.STRING)
      .addVar("data", MapType.create(SimpleType.STRING, SimpleType.DYN))
      .addVar("before", SimpleType.DYN)
      .addVar("after", SimpleType.DYN)
      .setResultType(SimpleType.BOOL)
      .build();
  private static final CelRuntime RUNTIME = CelRuntimeFactory.standardCelRuntimeBuilder().setOptions(OPTIONS).build();

  private final JsonObject spec;
  private final Map<String, CelRuntime.Program> reads;
  private final Map<String, CelRuntime.Program> writes;
  private final CelRuntime.Program defaultRead;
  private final CelRuntime.Program defaultWrite;

  private Rules(JsonObject spec, Map<String, CelRuntime.Program> reads, Map<String, CelRuntime.Program> writes,
                CelRuntime.Program defaultRead, CelRuntime.Program defaultWrite) {
    this.spec = spec;
    this.reads = reads;
    this.writes = writes;
    this.defaultRead = defaultRead;
    this.defaultWrite = defaultWrite;
  }

  /**
   * Checks and compiles {@code {"collections": {name: {"read", "write"}}, "default": {"read", "write"}}};
   * a 400 names the first rule that is malformed or does not compile. {@code {}} is no rules.
   */
  public static Rules compile(JsonObject spec) {
    if (spec == null) {
      throw TetherException.badRequest("rules must be a JSON object");
    }
    if (spec.toBuffer().length() > MAX_BYTES) {
      throw TetherException.badRequest("rules exceed " + MAX_BYTES + " bytes");
    }
    for (String key : spec.fieldNames()) {
      if (!key.equals("collections") && !key.equals("default")) {
        throw TetherException.badRequest("rules: unknown field " + key + " (expected collections, default)");
      }
    }
    Map<String, CelRuntime.Program> reads = new HashMap<>();
    Map<String, CelRuntime.Program> writes = new HashMap<>();
    Object collections = spec.getValue("collections");
    if (collections != null) {
      if (!(collections instanceof JsonObject byName)) {
        throw TetherException.badRequest("rules: collections must be an object");
      }
      if (byName.size() > MAX_COLLECTIONS) {
        throw TetherException.badRequest("rules: at most " + MAX_COLLECTIONS + " collections");
      }
      for (String name : byName.fieldNames()) {
        try {
          Ids.collection(name);
        } catch (TetherException e) {
          throw TetherException.badRequest("rules: collections." + name + ": " + e.getMessage());
        }
        JsonObject rule = ruleObject(byName.getValue(name), "collections." + name);
        put(reads, name, rule, "read", "collections." + name);
        put(writes, name, rule, "write", "collections." + name);
      }
    }
    CelRuntime.Program defaultRead = null;
    CelRuntime.Program defaultWrite = null;
    if (spec.getValue("default") != null) {
      JsonObject rule = ruleObject(spec.getValue("default"), "default");
      defaultRead = program(rule, "read", "default");
      defaultWrite = program(rule, "write", "default");
    }
    if (reads.isEmpty() && writes.isEmpty() && defaultRead == null && defaultWrite == null) {
      return NONE;
    }
    return new Rules(spec.copy(), Map.copyOf(reads), Map.copyOf(writes), defaultRead, defaultWrite);
  }

  private static JsonObject ruleObject(Object value, String where) {
    if (!(value instanceof JsonObject rule)) {
      throw TetherException.badRequest("rules: " + where + " must be an object with read and/or write");
    }
    for (String key : rule.fieldNames()) {
      if (!key.equals("read") && !key.equals("write")) {
        throw TetherException.badRequest("rules: " + where + ": unknown field " + key + " (expected read, write)");
      }
    }
    return rule;
  }

  private static void put(Map<String, CelRuntime.Program> into, String collection, JsonObject rule, String kind,
                          String where) {
    CelRuntime.Program program = program(rule, kind, where);
    if (program != null) {
      into.put(collection, program);
    }
  }

  private static CelRuntime.Program program(JsonObject rule, String kind, String where) {
    Object value = rule.getValue(kind);
    if (value == null) {
      return null;
    }
    String name = where + "." + kind;
    if (!(value instanceof String expression) || expression.isBlank()) {
      throw TetherException.badRequest("rules: " + name + " must be a CEL expression (a non-empty string)");
    }
    if (expression.length() > MAX_EXPRESSION_CHARS) {
      throw TetherException.badRequest("rules: " + name + " exceeds " + MAX_EXPRESSION_CHARS + " characters");
    }
    try {
      CelAbstractSyntaxTree ast = COMPILER.compile(expression).getAst();
      String tooCostly = RuleCost.refusal(ast.getExpr());
      if (tooCostly != null) {
        throw TetherException.badRequest("rules: " + name + " is too costly: " + tooCostly);
      }
      return RUNTIME.createProgram(ast);
    } catch (CelValidationException e) {
      CelIssue first = e.getErrors().get(0);
      throw TetherException.badRequest("rules: " + name + ": line " + first.getSourceLocation().getLine()
          + ", column " + (first.getSourceLocation().getColumn() + 1) + ": " + first.getMessage());
    } catch (dev.cel.common.CelException e) {
      throw TetherException.badRequest("rules: " + name + ": " + e.getMessage());
    }
  }

  /** The rules as they were set. */
  public JsonObject spec() {
    return spec.copy();
  }

  public boolean isNone() {
    return this == NONE;
  }

  /** Whether any read rule exists: what a member sees then depends on who they are. */
  public boolean hasReadRules() {
    return defaultRead != null || !reads.isEmpty();
  }

  /**
   * Whether {@code viewer} may read the document: true where no read rule applies to its collection;
   * else what the rule says of {@code data} (null, no document: false).
   */
  public boolean canRead(Viewer viewer, String collection, String id, JsonObject data) {
    return canRead(viewer, collection, id, data, null);
  }

  /** The same, its steps also taken from {@code budget} (the request's; null: none). */
  public boolean canRead(Viewer viewer, String collection, String id, JsonObject data, Budget budget) {
    CelRuntime.Program rule = reads.getOrDefault(collection, defaultRead);
    return rule == null || data != null && eval(rule, viewer, collection, id, CelValues.of(data), null, null, budget);
  }

  /**
   * Evaluation steps one request (a listing page) may spend on rules in all, so that a page of
   * many documents, each within its own budget, is still bounded: once it is spent, the request
   * judges no more documents and ends its page there. Not thread-safe: one per request.
   */
  public static final class Budget {
    /** Steps one listing page may spend: about 10 ms here. */
    public static final long PAGE_STEPS = 100_000;

    private final long max;
    private long spent;

    public Budget(long max) {
      this.max = max;
    }

    public static Budget page() {
      return new Budget(PAGE_STEPS);
    }

    boolean take() {
      return ++spent <= max;
    }

    /** Whether it is spent: judge nothing more in this request. */
    public boolean spent() {
      return spent >= max;
    }
  }

  /**
   * The same, the data already converted with {@link #document} (shared by many viewers of one change);
   * the caller has checked that there is a document.
   */
  public boolean canReadConverted(Viewer viewer, String collection, String id, Document document) {
    CelRuntime.Program rule = reads.getOrDefault(collection, defaultRead);
    return rule == null || document != null && eval(rule, viewer, collection, id, document.value, null, null, null);
  }

  /**
   * Whether {@code viewer}'s write may happen: {@code before} the stored data (null: none), {@code after}
   * the data as it would be stored (null: a delete). The role was checked already.
   */
  public boolean canWrite(Viewer viewer, String collection, String id, JsonObject before, JsonObject after) {
    CelRuntime.Program rule = writes.getOrDefault(collection, defaultWrite);
    if (rule == null) {
      return true;
    }
    Object b = CelValues.of(before);
    Object a = CelValues.of(after);
    return eval(rule, viewer, collection, id, after != null ? a : before != null ? b : Map.of(), b, a, null);
  }

  /** A document's data converted once for every read-rule evaluation of it. */
  public static Document document(JsonObject data) {
    return data == null ? null : new Document(CelValues.of(data));
  }

  /** A document's data in the form the rules read it. */
  public static final class Document {
    private final Object value;

    private Document(Object value) {
      this.value = value;
    }
  }

  private static boolean eval(CelRuntime.Program rule, Viewer viewer, String collection, String id, Object data,
                              Object before, Object after, Budget budget) {
    Map<String, Object> auth = Map.of("userId", viewer.userId());
    String role = viewer.role().wire();
    try {
      Object result = rule.trace(name -> Optional.ofNullable(switch (name) {
        case "auth" -> auth;
        case "role" -> role;
        case "id" -> id;
        case "collection" -> collection;
        case "data" -> data;
        case "before" -> before != null ? before : dev.cel.common.values.NullValue.NULL_VALUE;
        case "after" -> after != null ? after : dev.cel.common.values.NullValue.NULL_VALUE;
        default -> null;
      }), new RuleBudget(budget));
      return Boolean.TRUE.equals(result);
    } catch (CelEvaluationException | RuntimeException e) {
      if (overBudget(e)) {
        RuleBudget.EXCEEDED.increment();
      }
      return false; // a rule that cannot be evaluated for this document, or runs out of budget, denies
    }
  }

  private static boolean overBudget(Exception e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof RuleBudget.Exceeded || t instanceof dev.cel.common.exceptions.CelIterationLimitExceededException
          || String.valueOf(t.getMessage()).contains("Iteration budget exceeded")) {
        return true;
      }
    }
    return false;
  }

  /** Evaluations on this node that ran out of budget and denied, since start. */
  public static long evaluationsOverBudget() {
    return RuleBudget.EXCEEDED.sum();
  }

  /** The counter behind {@link #evaluationsOverBudget}, for a metrics registry to read. */
  public static java.util.concurrent.atomic.LongAdder overBudgetCounter() {
    return RuleBudget.EXCEEDED;
  }

  @Override
  public String toString() {
    return "Rules" + spec.encode();
  }
}

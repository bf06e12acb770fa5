package io.tether.rules;

import dev.cel.common.ast.CelExpr;
import dev.cel.runtime.CelEvaluationListener;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * One evaluation's run-time budget: at most {@link #MAX_STEPS} evaluated sub-expressions and
 * {@link #MAX_PRODUCED} units of values made along the way (characters of strings, entries of lists
 * and maps that functions and macros build), besides CEL's own limit of {@link #MAX_ITERATIONS}
 * comprehension iterations. Past either, the evaluation stops and the rule denies. Not thread-safe:
 * one per evaluation.
 */
final class RuleBudget implements CelEvaluationListener {
  /** Sub-expressions one evaluation may evaluate (about 0.1 µs each here). */
  static final int MAX_STEPS = 2_000;
  /** Comprehension iterations one evaluation may run, over all its comprehensions. */
  static final int MAX_ITERATIONS = 500;
  /** Characters and list or map entries one evaluation may build. */
  static final long MAX_PRODUCED = 256 * 1024;

  /** Evaluations stopped by a budget since start, on this node. */
  static final LongAdder EXCEEDED = new LongAdder();

  private final Rules.Budget shared;
  private int steps;
  private long produced;

  /** {@code shared}: the budget of the request this evaluation is part of, or null. */
  RuleBudget(Rules.Budget shared) {
    this.shared = shared;
  }

  @Override
  public void callback(CelExpr expr, Object value) {
    if (++steps > MAX_STEPS) {
      throw new Exceeded("more than " + MAX_STEPS + " steps");
    }
    if (shared != null && !shared.take()) {
      throw new Exceeded("the request's budget is spent");
    }
    // Only calls and comprehensions make new values; selections and identifiers reuse the document's.
    CelExpr.ExprKind.Kind kind = expr.exprKind().getKind();
    if (kind == CelExpr.ExprKind.Kind.CALL || kind == CelExpr.ExprKind.Kind.COMPREHENSION
        || kind == CelExpr.ExprKind.Kind.LIST || kind == CelExpr.ExprKind.Kind.MAP) {
      produced += size(value);
      if (produced > MAX_PRODUCED) {
        throw new Exceeded("values over " + MAX_PRODUCED + " units");
      }
    }
  }

  private static long size(Object value) {
    if (value instanceof CharSequence s) {
      return s.length();
    }
    if (value instanceof Collection<?> c) {
      return c.size();
    }
    if (value instanceof Map<?, ?> m) {
      return m.size();
    }
    return 0;
  }

  /** Thrown out of the evaluation when the budget runs out. */
  static final class Exceeded extends RuntimeException {
    Exceeded(String message) {
      super(message, null, false, false);
    }
  }
}

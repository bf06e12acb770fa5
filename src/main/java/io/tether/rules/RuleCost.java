package io.tether.rules;

import dev.cel.common.ast.CelExpr;

/**
 * What a rule may cost, checked twice: when it is set, from its syntax tree (how deeply its
 * comprehensions nest, and the steps it would take on documents whose lists hold {@link #NOMINAL_LIST}
 * items), and while it runs ({@link RuleBudget}). A rule runs on an event loop, on every read path and
 * inside a write's transaction, so neither may be unbounded.
 */
final class RuleCost {
  /** Comprehensions ({@code all}, {@code exists}, {@code map}, …) inside comprehensions inside comprehensions are refused. */
  static final int MAX_COMPREHENSION_DEPTH = 2;
  /** The list length a rule's estimate assumes for every list it iterates. */
  static final int NOMINAL_LIST = 16;

  private RuleCost() {}

  /** Why the expression is too costly to accept, or null. */
  static String refusal(CelExpr expr) {
    int depth = depth(expr);
    if (depth > MAX_COMPREHENSION_DEPTH) {
      return "comprehensions nest " + depth + " deep; at most " + MAX_COMPREHENSION_DEPTH + " are allowed";
    }
    long estimate = estimate(expr);
    if (estimate > RuleBudget.MAX_STEPS) {
      return "estimated at " + estimate + " evaluation steps on lists of " + NOMINAL_LIST + " items; the budget is "
          + RuleBudget.MAX_STEPS;
    }
    return null;
  }

  /** How many comprehensions nest at the deepest point. */
  static int depth(CelExpr expr) {
    return switch (expr.exprKind().getKind()) {
      case COMPREHENSION -> {
        CelExpr.CelComprehension c = expr.comprehension();
        int inner = Math.max(Math.max(depth(c.loopCondition()), depth(c.loopStep())), depth(c.result()));
        yield Math.max(Math.max(depth(c.iterRange()), depth(c.accuInit())), 1 + inner);
      }
      default -> children(expr).stream().mapToInt(RuleCost::depth).max().orElse(0);
    };
  }

  /** Evaluation steps, each comprehension's body counted {@link #NOMINAL_LIST} times. */
  static long estimate(CelExpr expr) {
    if (expr.exprKind().getKind() == CelExpr.ExprKind.Kind.COMPREHENSION) {
      CelExpr.CelComprehension c = expr.comprehension();
      long body = estimate(c.loopCondition()) + estimate(c.loopStep());
      return 1 + estimate(c.iterRange()) + estimate(c.accuInit()) + NOMINAL_LIST * body + estimate(c.result());
    }
    long sum = 1;
    for (CelExpr child : children(expr)) {
      sum += estimate(child);
    }
    return sum;
  }

  private static java.util.List<CelExpr> children(CelExpr expr) {
    java.util.List<CelExpr> out = new java.util.ArrayList<>();
    switch (expr.exprKind().getKind()) {
      case SELECT -> out.add(expr.select().operand());
      case CALL -> {
        expr.call().target().ifPresent(out::add);
        out.addAll(expr.call().args());
      }
      case LIST -> out.addAll(expr.list().elements());
      case MAP -> expr.map().entries().forEach(e -> {
        out.add(e.key());
        out.add(e.value());
      });
      case STRUCT -> expr.struct().entries().forEach(e -> out.add(e.value()));
      case COMPREHENSION -> {
        CelExpr.CelComprehension c = expr.comprehension();
        out.add(c.iterRange());
        out.add(c.accuInit());
        out.add(c.loopCondition());
        out.add(c.loopStep());
        out.add(c.result());
      }
      default -> { }
    }
    return out;
  }
}

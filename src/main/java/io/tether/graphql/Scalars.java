package io.tether.graphql;

import graphql.GraphQLContext;
import graphql.execution.CoercedVariables;
import graphql.language.ArrayValue;
import graphql.language.BooleanValue;
import graphql.language.FloatValue;
import graphql.language.IntValue;
import graphql.language.NullValue;
import graphql.language.ObjectValue;
import graphql.language.StringValue;
import graphql.language.Value;
import graphql.language.VariableReference;
import graphql.schema.Coercing;
import graphql.schema.CoercingParseLiteralException;
import graphql.schema.CoercingParseValueException;
import graphql.schema.CoercingSerializeException;
import graphql.schema.GraphQLScalarType;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The schema's two scalars: {@code JSON} (a document's data) and {@code Long} (seq and version exceed Int). */
final class Scalars {
  private Scalars() {}

  static final GraphQLScalarType JSON = GraphQLScalarType.newScalar().name("JSON").description("Any JSON value")
      .coercing(new Coercing<Object, Object>() {
        @Override
        public Object serialize(Object value, GraphQLContext context, Locale locale) {
          return plain(value);
        }

        @Override
        public Object parseValue(Object input, GraphQLContext context, Locale locale) {
          return plain(input);
        }

        @Override
        public Object parseLiteral(Value<?> input, CoercedVariables variables, GraphQLContext context, Locale locale) {
          return literal(input, variables);
        }
      }).build();

  static final GraphQLScalarType LONG = GraphQLScalarType.newScalar().name("Long").description("A 64-bit integer")
      .coercing(new Coercing<Long, Long>() {
        @Override
        public Long serialize(Object value, GraphQLContext context, Locale locale) {
          if (value instanceof Number n) {
            return n.longValue();
          }
          throw new CoercingSerializeException("not a number: " + value);
        }

        @Override
        public Long parseValue(Object input, GraphQLContext context, Locale locale) {
          if (input instanceof Number n && n.doubleValue() == n.longValue()) {
            return n.longValue();
          }
          throw new CoercingParseValueException("expected an integer, got " + input);
        }

        @Override
        public Long parseLiteral(Value<?> input, CoercedVariables variables, GraphQLContext context, Locale locale) {
          if (input instanceof IntValue i) {
            return i.getValue().longValueExact();
          }
          throw new CoercingParseLiteralException("expected an integer literal");
        }
      }).build();

  /** Vert.x JSON types to the plain maps and lists GraphQL serializes. */
  private static Object plain(Object value) {
    if (value instanceof JsonObject o) {
      return o.getMap();
    }
    if (value instanceof JsonArray a) {
      return a.getList();
    }
    return value;
  }

  private static Object literal(Value<?> input, CoercedVariables variables) {
    if (input instanceof NullValue) {
      return null;
    }
    if (input instanceof StringValue s) {
      return s.getValue();
    }
    if (input instanceof BooleanValue b) {
      return b.isValue();
    }
    if (input instanceof IntValue i) {
      return i.getValue().longValue();
    }
    if (input instanceof FloatValue f) {
      return f.getValue().doubleValue();
    }
    if (input instanceof VariableReference ref) {
      return variables.get(ref.getName());
    }
    if (input instanceof ArrayValue array) {
      List<Object> out = new ArrayList<>();
      array.getValues().forEach(v -> out.add(literal(v, variables)));
      return out;
    }
    if (input instanceof ObjectValue object) {
      Map<String, Object> out = new LinkedHashMap<>();
      object.getObjectFields().forEach(f -> out.put(f.getName(), literal(f.getValue(), variables)));
      return out;
    }
    throw new CoercingParseLiteralException("not a JSON literal: " + input);
  }
}

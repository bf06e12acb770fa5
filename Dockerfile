# Build stage: dependencies first, so editing sources does not re-download them.
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /build
COPY pom.xml .
RUN mvn -B -q dependency:go-offline
COPY src src
RUN mvn -B -q -DskipTests package

# Run stage: a JRE and the jar, as a non-root user.
FROM eclipse-temurin:17-jre
RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/* \
    && useradd --system --create-home --home-dir /app tether
WORKDIR /app
COPY --from=build /build/target/tether.jar /app/tether.jar
COPY conf /app/conf
RUN mkdir -p /app/data && chown -R tether /app
USER tether
ENV TETHER_DATA_DIR=/app/data \
    TETHER_MODE=production
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD curl -fsS http://127.0.0.1:8080/health/ready || exit 1
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "/app/tether.jar"]

# The serving-monitor image, every role (standalone, ingest, query): used by docker-compose.yml.
# Stage 1 builds the launcher jar and its dependencies with Maven; stage 2 runs it on a JRE as a
# non-root user, with its state (Kafka Streams stores; standalone: also the broker log and keys) in /data.
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY . .
# The launcher and the modules it needs only (not the bench or the fault scenarios); the local
# Maven repository is a build cache, so a rebuild after a code change downloads nothing.
RUN --mount=type=cache,target=/root/.m2 mvn -q -B -DskipTests -pl launcher -am package

FROM eclipse-temurin:17-jre
RUN groupadd --system --gid 10001 serving-monitor \
 && useradd --system --uid 10001 --gid serving-monitor --home-dir /data --no-create-home serving-monitor \
 && mkdir -p /data && chown serving-monitor:serving-monitor /data
WORKDIR /app
COPY --from=build /src/launcher/target/serving-monitor.jar /app/serving-monitor.jar
COPY --from=build /src/launcher/target/lib /app/lib
USER serving-monitor
# A new volume starts as a copy of /data above: owned by the service's user.
VOLUME /data
EXPOSE 8008
# Half the container's memory for the heap: RocksDB's block cache (--rocksdb-memory) lives outside it.
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=50", "-jar", "/app/serving-monitor.jar"]
CMD ["standalone", "--host", "0.0.0.0", "--data-dir", "/data"]

# Builds the serving-monitor launcher and runs it. Used by docker-compose.yml.
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY . .
RUN mvn -q -B -DskipTests package

FROM eclipse-temurin:17-jre
WORKDIR /app
COPY --from=build /src/launcher/target/serving-monitor.jar /app/serving-monitor.jar
COPY --from=build /src/launcher/target/lib /app/lib
EXPOSE 8008
ENTRYPOINT ["java", "-jar", "/app/serving-monitor.jar"]
CMD ["standalone", "--host", "0.0.0.0"]

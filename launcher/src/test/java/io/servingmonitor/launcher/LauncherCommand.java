package io.servingmonitor.launcher;

import io.servingmonitor.api.ActionDefinition;
import io.servingmonitor.ingest.IngestActions;
import io.servingmonitor.query.QueryActions;
import io.servingmonitor.query.QueryRouter;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@code serving-monitor} command line as the deployment files write it ({@code [role, flags...]}
 * plus {@code SERVING_MONITOR_*} variables), checked against what the launcher itself accepts: its
 * roles, the flags its usage lists, and its parser. The one place the deployment tests ask the
 * launcher, so they follow it when it changes.
 *
 * <p>Until the {@code ingest} and {@code query} roles and the generic variables land in the
 * launcher, every role takes the flags of {@link LauncherOptions#USAGE} and the variables are
 * turned into those flags here ({@code SERVING_MONITOR_FOO_BAR} is {@code --foo-bar}; a flag on
 * the command line wins). Once they exist, {@link #flags} asks the launcher for the role's own
 * options and {@link #parse} hands the role and the environment to the launcher's parser.
 */
final class LauncherCommand {

    /** The commands that run a node. */
    static final Set<String> ROLES = Set.of("standalone", "ingest", "query");
    static final String ENV_PREFIX = "SERVING_MONITOR_";

    private static final Pattern USAGE_FLAG = Pattern.compile("(?m)^\\s{2,}(--[a-z][a-z0-9-]*)\\s");

    private LauncherCommand() {
    }

    /** The flags the launcher takes for {@code role}, from its usage text. */
    static Set<String> flags(String role) {
        Role r = role(role);
        Set<String> flags = new LinkedHashSet<>();
        LauncherOptions.OPTIONS.stream().filter(o -> o.roles().contains(r)).forEach(o -> flags.add(o.flag()));
        return flags;
    }

    private static Role role(String command) {
        return Role.byCommand(command).orElseThrow(() -> new IllegalArgumentException("not a role: " + command));
    }

    /** {@code --write-timeout} -> {@code SERVING_MONITOR_WRITE_TIMEOUT}. */
    static String environmentVariable(String flag) {
        return ENV_PREFIX + flag.replaceFirst("^--", "").toUpperCase(Locale.ROOT).replace('-', '_');
    }

    /** The variables the launcher reads for {@code role}: one per flag. */
    static Set<String> environmentVariables(String role) {
        Set<String> variables = new LinkedHashSet<>();
        flags(role).forEach(flag -> variables.add(environmentVariable(flag)));
        return variables;
    }

    /** The flags given on a command line (every {@code --name} argument). */
    static List<String> flagsOf(List<String> args) {
        return args.stream().filter(arg -> arg.startsWith("--")).toList();
    }

    /**
     * The options {@code command} ({@code [role, args...]}) starts with in {@code env}.
     *
     * @throws IllegalArgumentException as the launcher does, naming a bad flag, variable or value
     */
    static LauncherOptions parse(List<String> command, Map<String, String> env) {
        Set<String> known = environmentVariables(command.get(0));
        for (String name : env.keySet()) {
            if (name.startsWith(ENV_PREFIX) && !known.contains(name)) {
                throw new IllegalArgumentException("unknown variable " + name + " for " + command.get(0));
            }
        }
        return LauncherOptions.parse(role(command.get(0)), command.subList(1, command.size()), env);
    }

    /** Whether a node of {@code role} runs Kafka Streams (and so needs an address its peers reach). */
    static boolean runsStreams(String role) {
        return role(role).servesReads();
    }

    /** The write actions, as the ingest API defines them. */
    static List<String> writeActions() {
        return new IngestActions(event -> CompletableFuture.completedFuture(null), Clock.systemUTC()).definitions()
                .stream().map(ActionDefinition::name).toList();
    }

    /** The read actions, as the query API defines them. */
    static List<String> readActions() {
        return new QueryActions((QueryRouter) null).definitions().stream().map(ActionDefinition::name).toList();
    }

    private static void requireRole(String role) {
        if (!ROLES.contains(role)) {
            throw new IllegalArgumentException("not a serving-monitor role: " + role + " (roles: " + ROLES + ")");
        }
    }
}

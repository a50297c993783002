package io.servingmonitor.faults;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Where a scenario keeps its cluster's and service's data. */
final class WorkDir {

    private WorkDir() {
    }

    /** {@code --work-dir}/{@code scenario}, or a new temporary directory. */
    static Path of(FaultOptions options, String scenario) throws IOException {
        if (options.workDir().isPresent()) {
            return Files.createDirectories(options.workDir().get().resolve(scenario));
        }
        return Files.createTempDirectory("serving-monitor-faults-" + scenario + "-");
    }
}

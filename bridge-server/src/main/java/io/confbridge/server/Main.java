package io.confbridge.server;

import io.confbridge.config.BridgeConfig;
import io.confbridge.config.ConfigException;
import io.confbridge.config.ConfigLoader;
import io.confbridge.server.cli.AuditCommand;
import io.confbridge.server.cli.BackupCommand;
import io.confbridge.server.cli.ExitCode;
import io.confbridge.server.cli.MeetingsCommand;
import io.confbridge.server.cli.SettingsCommand;
import io.confbridge.server.cli.UsersCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * The runnable jar's entry point. With no arguments (or {@code serve}) it runs the bridge on the
 * embedded defaults, overridden by {@code --config FILE} and {@code BRIDGE_*} environment variables.
 * With {@code users}, {@code settings}, {@code meetings} or {@code audit} it is the admin CLI, a client
 * of a running bridge's admin API; its exit codes are those of {@link ExitCode}.
 */
@Command(name = "bridge", mixinStandardHelpOptions = true, version = "confbridge 0.1.0",
        description = "SIP dial-in conference bridge, and its admin CLI.",
        subcommands = {Main.Serve.class, UsersCommand.class, SettingsCommand.class, MeetingsCommand.class,
                AuditCommand.class, BackupCommand.class})
public final class Main implements Callable<Integer> {

    public static void main(String[] args) {
        CommandLine cli = commandLine();
        int exit = args.length == 0 ? cli.execute("serve") : cli.execute(args);
        System.exit(exit);
    }

    /**
     * The whole command tree, as {@link #main} runs it: usage errors exit 2, and an unexpected failure
     * prints one line to stderr (no stack trace) and exits 1.
     */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println("error: " + (e.getMessage() != null ? e.getMessage() : e.toString()));
            commandLine.getErr().flush();
            return ExitCode.FAILED;
        });
        return cli;
    }

    @Override
    public Integer call() {
        return new CommandLine(new Serve()).execute();
    }

    /** Runs the bridge until interrupted (Ctrl-C or SIGTERM). */
    @Command(name = "serve", mixinStandardHelpOptions = true, description = "Run the bridge (the default).")
    static final class Serve implements Callable<Integer> {
        @Option(names = {"-c", "--config"}, description = "JSON or YAML config file (optional).")
        Path configFile;

        @Override
        public Integer call() throws Exception {
            BridgeConfig config;
            try {
                config = ConfigLoader.fromEnvironment(configFile);
            } catch (ConfigException e) {
                System.err.println("configuration error: " + e.getMessage());
                return ExitCode.BAD_INPUT;
            }
            LogFormat.apply(config.operations().loggingFormat());
            BridgeServer server;
            try {
                server = BridgeServer.start(config);
            } catch (ConfigException e) {
                System.err.println("configuration error: " + e.getMessage());
                return ExitCode.BAD_INPUT;
            } catch (Exception e) {
                System.err.println("start-up failed: " + e.getMessage());
                return ExitCode.FAILED;
            }
            long drainMs = config.operations().drainMs();
            if (drainMs > 0) {
                new ShutdownSignals(server, java.time.Duration.ofMillis(drainMs), System::exit).install();
            }
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                server.close();
                stopped.countDown();
            }, "shutdown"));
            stopped.await();
            return ExitCode.OK;
        }
    }
}

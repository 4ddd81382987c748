package io.confbridge.server;

import io.confbridge.config.BridgeConfig;
import io.confbridge.config.ConfigException;
import io.confbridge.config.ConfigLoader;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * The runnable jar's entry point. With no arguments (or {@code serve}) it runs the bridge on the
 * embedded defaults, overridden by {@code --config FILE} and {@code BRIDGE_*} environment variables.
 */
@Command(name = "bridge", mixinStandardHelpOptions = true, version = "confbridge 0.1.0",
        description = "SIP dial-in conference bridge.",
        subcommands = {Main.Serve.class})
public final class Main implements Callable<Integer> {

    public static void main(String[] args) {
        CommandLine cli = new CommandLine(new Main());
        int exit = args.length == 0 ? cli.execute("serve") : cli.execute(args);
        if (exit != 0 || args.length == 0 || "serve".equals(args[0])) {
            System.exit(exit);
        }
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
                return 2;
            }
            BridgeServer server;
            try {
                server = BridgeServer.start(config);
            } catch (ConfigException e) {
                System.err.println("configuration error: " + e.getMessage());
                return 2;
            } catch (Exception e) {
                System.err.println("start-up failed: " + e.getMessage());
                return 1;
            }
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                server.close();
                stopped.countDown();
            }, "shutdown"));
            stopped.await();
            return 0;
        }
    }
}

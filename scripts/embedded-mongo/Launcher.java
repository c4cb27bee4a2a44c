// Embedded MongoDB-protocol server for development and tests (server/db/embeddedMongo.ts).
// Run in source-file mode, no build step:
//   java -cp <jars> scripts/embedded-mongo/Launcher.java --port 0 --backend memory|h2 [--file <path.mv>]
// Prints "LISTENING <port>" on stdout once it accepts connections; stops when stdin closes or on SIGTERM.

import de.bwaldvogel.mongo.MongoBackend;
import de.bwaldvogel.mongo.MongoCollection;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.MongoVersion;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import de.bwaldvogel.mongo.bson.Document;
import io.netty.channel.Channel;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

public class Launcher {
    // mongo-java-server's ServerVersion enum stops at MONGO_5_0, which it reports as wire version 8,
    // and the driver in mongoose 9 (mongodb 7) refuses anything below 9 (MongoDB 4.4).
    // MongoVersion is a public interface, so we hand the backend our own 4.4 / wire 9.
    enum ReportedVersion implements MongoVersion {
        MONGO_4_4;

        @Override
        public List<Integer> getVersionArray() {
            return List.of(4, 4, 0);
        }

        @Override
        public int getWireVersion() {
            return 9;
        }
    }

    interface CommandHandler {
        Document handle(Channel channel, String database, String command, Document query);
    }

    // Wraps every command the backends run; see the two cases below.
    static Document handle(MongoBackend backend, Channel channel, String database, String command, Document query,
            CommandHandler next) {
        // The server only knows the legacy "isMaster"; the driver falls back to it, but shells and
        // tests that send the modern "hello" would get "no such command", so answer it the same way.
        if (command.equalsIgnoreCase("hello")) {
            Document reply = next.handle(channel, database, "isMaster", query);
            reply.put("isWritablePrimary", reply.get("ismaster"));
            return reply;
        }
        if (!command.equalsIgnoreCase("findAndModify")) {
            return next.handle(channel, database, command, query);
        }
        // findAndModify runs under the collection's monitor, but its "new" image is the stored
        // document itself, which Netty serialises after the lock is released: a concurrent update
        // can change it first, so two callers see the same counter value. Copy it under that same
        // monitor. (A collection that does not exist yet has no monitor; the first upsert is racy.)
        MongoCollection<?> collection = query.get(command) instanceof String name
                ? backend.resolveDatabase(database).resolveCollection(name, false)
                : null;
        synchronized (collection != null ? collection : backend) {
            return next.handle(channel, database, command, query).cloneDeeply();
        }
    }

    public static void main(String[] args) throws Exception {
        // Set before any mongo-java-server class loads: slf4j-simple reads it once. INFO would log
        // every client connection to stderr.
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        }

        Map<String, String> options = new HashMap<>(Map.of("--port", "0", "--backend", "memory"));
        for (int i = 0; i + 1 < args.length; i += 2) {
            options.put(args[i], args[i + 1]);
        }
        int port = Integer.parseInt(options.get("--port"));
        String backendName = options.get("--backend");

        MongoBackend backend;
        if (backendName.equals("memory")) {
            backend = new MemoryBackend() {
                @Override
                public Document handleCommand(Channel channel, String database, String command, Document query) {
                    return handle(this, channel, database, command, query, super::handleCommand);
                }
            };
        } else if (backendName.equals("h2")) {
            String file = options.get("--file");
            if (file == null) {
                System.err.println("--backend h2 needs --file <path>");
                System.exit(2);
                return;
            }
            backend = new H2Backend(file) {
                @Override
                public Document handleCommand(Channel channel, String database, String command, Document query) {
                    return handle(this, channel, database, command, query, super::handleCommand);
                }
            };
        } else {
            System.err.println("unknown --backend " + backendName + " (memory or h2)");
            System.exit(2);
            return;
        }
        backend.version(ReportedVersion.MONGO_4_4);

        MongoServer server = new MongoServer(backend);
        // Loopback only: this is a development database without authentication.
        server.bind("127.0.0.1", port);
        // The JVM runs shutdown hooks on SIGTERM and System.exit; shutdownNow drops clients first
        // (so it does not wait on idle pooled connections) and then closes the backend, which
        // flushes the H2 file.
        Runtime.getRuntime().addShutdownHook(new Thread(server::shutdownNow));

        System.out.println("LISTENING " + server.getLocalAddress().getPort());
        System.out.flush();

        // The parent keeps our stdin open for as long as it wants us; EOF means it closed it or
        // died (even by SIGKILL), so no orphaned server keeps the port or the H2 file lock.
        while (System.in.read() != -1) {
            // Input is ignored; only its end matters.
        }
        System.exit(0);
    }
}

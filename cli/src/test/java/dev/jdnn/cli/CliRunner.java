package dev.jdnn.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs the jdnn command line in-process and captures exit code, stdout and stderr. */
record CliRunner(int exitCode, String out, String err) {
    static CliRunner run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        var cmd = Main.commandLine();
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        int code = cmd.execute(args);
        return new CliRunner(code, out.toString(), err.toString());
    }
}

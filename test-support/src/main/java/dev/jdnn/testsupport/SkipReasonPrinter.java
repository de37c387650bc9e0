package dev.jdnn.testsupport;

import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;

/**
 * Prints why a test did not run, so that a skipped GPU test is visibly skipped — with its reason — in the build
 * output instead of a bare count. Registered through META-INF/services for every module's tests.
 */
public final class SkipReasonPrinter implements TestExecutionListener {
    @Override
    public void executionSkipped(TestIdentifier test, String reason) {
        print(test, "SKIPPED", reason);
    }

    @Override
    public void executionFinished(TestIdentifier test, TestExecutionResult result) {
        if (result.getStatus() == TestExecutionResult.Status.ABORTED) {
            print(test, "SKIPPED", result.getThrowable().map(Throwable::getMessage).orElse("aborted"));
        }
    }

    private static void print(TestIdentifier test, String what, String reason) {
        String where = test.getLegacyReportingName();
        String parent = test.getParentId().map(id -> id.replaceAll(".*class:([^\\]]+)].*", "$1")).orElse("");
        String name = parent.isEmpty() ? where : parent.substring(parent.lastIndexOf('.') + 1) + "." + where;
        System.out.println("[" + what + "] " + name + ": " + reason);
    }
}

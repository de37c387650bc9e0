package dev.jdnn.training.io;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/**
 * The reason an I/O operation failed, in words for a user, followed by the path that failed: "not a directory
 * (/runs/x)". Java's file-system exceptions often carry only the path as their message ("cannot create X: X") and
 * the exception's class name as the reason; this names the reason instead.
 */
public final class IoErrors {
    private IoErrors() {}

    public static String reason(IOException e) {
        String reason = switch (e) {
            case NoSuchFileException x -> "no such file or directory";
            case AccessDeniedException x -> "permission denied";
            case FileAlreadyExistsException x -> "a file of that name already exists";
            case NotDirectoryException x -> "not a directory";
            case DirectoryNotEmptyException x -> "the directory is not empty";
            case FileSystemException x when x.getReason() != null -> x.getReason();
            case FileSystemException x -> "an I/O error"; // its message is only the path
            default -> e.getMessage() != null ? e.getMessage() : "an I/O error";
        };
        if (e instanceof FileSystemException f && f.getFile() != null) {
            // The path that failed may be a parent of the one the caller names: say which.
            return reason + " (" + (f.getOtherFile() != null ? f.getFile() + " -> " + f.getOtherFile() : f.getFile()) + ")";
        }
        return reason;
    }
}

package io.fastgpu.core.state;

import io.fastgpu.api.FastGpuException;

import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;

/**
 * Turns a failure of SQLite into one line that names the state database, says what went wrong and what to do, so
 * that no raw {@link SQLException} leaves the state store.
 */
final class StateDatabaseErrors {
    // SQLite primary result codes, as sqlite-jdbc reports them in SQLException.getErrorCode().
    static final int SQLITE_BUSY = 5;
    static final int SQLITE_LOCKED = 6;
    static final int SQLITE_READONLY = 8;
    static final int SQLITE_IOERR = 10;
    static final int SQLITE_CORRUPT = 11;
    static final int SQLITE_FULL = 13;
    static final int SQLITE_CANTOPEN = 14;
    static final int SQLITE_NOTADB = 26;

    private StateDatabaseErrors() { }

    /** Whether another connection holds a lock that {@code e} ran into; worth waiting and trying again. */
    static boolean isBusy(SQLException e) {
        return e.getErrorCode() == SQLITE_BUSY || e.getErrorCode() == SQLITE_LOCKED;
    }

    /**
     * The failure {@code e} of state database {@code file} as a one-line {@link FastGpuException}.
     *
     * @param waited how long the work was retried before giving up, for a database that stayed busy
     */
    static FastGpuException of(Path file, SQLException e, Duration waited) {
        Path home = file.toAbsolutePath().getParent();
        String what = switch (e.getErrorCode()) {
            case SQLITE_BUSY, SQLITE_LOCKED -> "is locked by another process for "
                    + Math.max(1, Math.round(waited.toMillis() / 1000.0)) + "s; retry when other fastgpu commands finish";
            case SQLITE_FULL -> "is full (disk full?); free space in FASTGPU_HOME (" + home + ")";
            case SQLITE_READONLY -> "is read-only; make it and its folder " + home
                    + " writable, or set FASTGPU_HOME to a writable folder";
            case SQLITE_CANTOPEN -> "cannot be opened; check that it is a file and that " + home + " is writable";
            case SQLITE_IOERR -> "could not be read or written (" + detail(e) + "); check the disk that holds " + home
                    + " (full or failing?)";
            case SQLITE_NOTADB -> "is not a FastGPU state database; move it aside and FastGPU will create a new one";
            case SQLITE_CORRUPT -> "is corrupt; move it aside and FastGPU will create a new one";
            default -> "failed (" + detail(e) + "); check that its folder is writable and the disk is not full";
        };
        return new FastGpuException("state database " + file + " " + what, e);
    }

    private static String detail(SQLException e) {
        return String.valueOf(e.getMessage()).replaceAll("\\s+", " ").strip();
    }
}

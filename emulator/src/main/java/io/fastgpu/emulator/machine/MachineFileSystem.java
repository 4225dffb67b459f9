package io.fastgpu.emulator.machine;

import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import org.apache.sshd.common.file.FileSystemFactory;
import org.apache.sshd.common.session.SessionContext;

/** What SFTP sees on a machine: this host's file system, relative paths starting at the machine's home. */
record MachineFileSystem(Path home) implements FileSystemFactory {
    @Override
    public Path getUserHomeDir(SessionContext session) {
        return home;
    }

    @Override
    public FileSystem createFileSystem(SessionContext session) {
        return FileSystems.getDefault();
    }
}

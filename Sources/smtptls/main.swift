import SMTPTLSCLI

#if canImport(Glibc)
    import Glibc

    // A full disk or a file-size limit must surface as a write error SQLite reports (and the
    // transaction rolls back), not as a process killed by SIGXFSZ.
    signal(SIGXFSZ, SIG_IGN)
#endif

SMTPTLSCommand.runMain()

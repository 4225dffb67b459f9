/*
 * fastgpu-client: the native thin client of FastGPU's resident agent.
 *
 * The ./fastgpu launcher runs it for the commands the agent serves (exec, launch, scp, ls, logs) when the
 * home's agent socket exists, so that such a command does not pay a JVM start:
 *
 *   fastgpu-client JAR LAUNCHER ARGS...
 *
 * It speaks the agent's protocol (io.fastgpu.cli.agent.Frames): a frame is a type byte, a 4-byte big-endian
 * length and a body. It says HELLO with the build of JAR (as AgentHome.build() computes it for `java -jar JAR`),
 * the user's HOME and PATH; on OK it sends the REQUEST (arguments, folder, terminal flag, environment) and plays
 * back what the agent sends: stdout, stderr, requests for stdin, and the exit code. Ctrl-C and SIGTERM go to the
 * agent as SIGNAL frames, as the Java client sends them; on SIGHUP it ends as the JVM does (129), and the agent
 * interrupts the command of a client gone.
 *
 * When no agent listens, it starts one itself, as the JVM client would (AgentClient.spawn): under the home's start
 * lock, detached in a session of its own, with the agent's class-data archive, its output to the agent's log and
 * the environment without credentials. That saves the first command the JVM client's own start. It does so only
 * in the plain case: an earlier agent of this build left its archive, and no agent process is named in the home.
 *
 * Before the agent's OK nothing has happened: on any failure (an agent of another build or environment, one that
 * would not start, anything unusual) it runs LAUNCHER again with FASTGPU_CLIENT_FALLBACK=1, which runs the JVM
 * client (that starts or replaces the agent), so that the user sees what the JVM client would have shown.
 *
 * C99 and POSIX only.
 */
#define _POSIX_C_SOURCE 200809L

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

/* Frame types (Frames.java). */
enum {
    HELLO = 1, REQUEST = 2, STDIN_DATA = 3, STDIN_EOF = 4, SIGNAL_FRAME = 5,
    OK = 10, REFUSED = 11, OUT = 12, ERR = 13, WANT_STDIN = 14, EXIT_FRAME = 15
};

#define MAX_BODY (64 << 20)

/* ---- SHA-256 (FIPS 180-4), for the build id ---- */

typedef struct {
    uint32_t h[8];
    uint64_t len;
    unsigned char buf[64];
    size_t used;
} sha256;

static const uint32_t K[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2
};

#define ROR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))

static void sha256_block(sha256 *s, const unsigned char *p) {
    uint32_t w[64], a, b, c, d, e, f, g, h;
    int i;
    for (i = 0; i < 16; i++) {
        w[i] = (uint32_t) p[4 * i] << 24 | (uint32_t) p[4 * i + 1] << 16 | (uint32_t) p[4 * i + 2] << 8 | p[4 * i + 3];
    }
    for (i = 16; i < 64; i++) {
        uint32_t s0 = ROR(w[i - 15], 7) ^ ROR(w[i - 15], 18) ^ (w[i - 15] >> 3);
        uint32_t s1 = ROR(w[i - 2], 17) ^ ROR(w[i - 2], 19) ^ (w[i - 2] >> 10);
        w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    a = s->h[0]; b = s->h[1]; c = s->h[2]; d = s->h[3]; e = s->h[4]; f = s->h[5]; g = s->h[6]; h = s->h[7];
    for (i = 0; i < 64; i++) {
        uint32_t t1 = h + (ROR(e, 6) ^ ROR(e, 11) ^ ROR(e, 25)) + ((e & f) ^ (~e & g)) + K[i] + w[i];
        uint32_t t2 = (ROR(a, 2) ^ ROR(a, 13) ^ ROR(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
        h = g; g = f; f = e; e = d + t1; d = c; c = b; b = a; a = t1 + t2;
    }
    s->h[0] += a; s->h[1] += b; s->h[2] += c; s->h[3] += d; s->h[4] += e; s->h[5] += f; s->h[6] += g; s->h[7] += h;
}

static void sha256_init(sha256 *s) {
    static const uint32_t init[8] = {
        0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19
    };
    memcpy(s->h, init, sizeof init);
    s->len = 0;
    s->used = 0;
}

static void sha256_update(sha256 *s, const void *data, size_t n) {
    const unsigned char *p = data;
    s->len += n;
    while (n > 0) {
        size_t take = 64 - s->used < n ? 64 - s->used : n;
        memcpy(s->buf + s->used, p, take);
        s->used += take;
        p += take;
        n -= take;
        if (s->used == 64) {
            sha256_block(s, s->buf);
            s->used = 0;
        }
    }
}

static void sha256_final(sha256 *s, unsigned char out[32]) {
    uint64_t bits = s->len * 8;
    unsigned char pad = 0x80, zero = 0, len[8];
    int i;
    sha256_update(s, &pad, 1);
    while (s->used != 56) sha256_update(s, &zero, 1);
    for (i = 0; i < 8; i++) len[i] = (unsigned char) (bits >> (56 - 8 * i));
    sha256_update(s, len, 8);
    for (i = 0; i < 8; i++) {
        out[4 * i] = (unsigned char) (s->h[i] >> 24);
        out[4 * i + 1] = (unsigned char) (s->h[i] >> 16);
        out[4 * i + 2] = (unsigned char) (s->h[i] >> 8);
        out[4 * i + 3] = (unsigned char) s->h[i];
    }
}

/*
 * The build of `java -jar JAR` as AgentHome.build() computes it: SHA-256 over the class path entry (the jar's path
 * as given) and "size:mtimeMillis" of the jar, the first 8 bytes in hex.
 */
static void build_id(const char *jar, char out[17]) {
    sha256 s;
    unsigned char d[32];
    struct stat st;
    int i;
    sha256_init(&s);
    sha256_update(&s, jar, strlen(jar));
    if (stat(jar, &st) == 0) {
        char stamp[64];
        long long millis = (long long) st.st_mtim.tv_sec * 1000 + st.st_mtim.tv_nsec / 1000000;
        snprintf(stamp, sizeof stamp, "%lld:%lld", (long long) st.st_size, millis);
        sha256_update(&s, stamp, strlen(stamp));
    }
    sha256_final(&s, d);
    for (i = 0; i < 8; i++) snprintf(out + 2 * i, 3, "%02x", d[i]);
}

/* ---- a growable buffer for bodies ---- */

typedef struct {
    unsigned char *p;
    size_t n, cap;
} buf;

static void put(buf *b, const void *data, size_t n) {
    if (b->n + n > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->n + n) cap *= 2;
        b->p = realloc(b->p, cap);
        if (!b->p) {
            fputs("fastgpu: out of memory\n", stderr);
            exit(1);
        }
        b->cap = cap;
    }
    memcpy(b->p + b->n, data, n);
    b->n += n;
}

static void put_int(buf *b, uint32_t v) {
    unsigned char x[4] = {(unsigned char) (v >> 24), (unsigned char) (v >> 16), (unsigned char) (v >> 8), (unsigned char) v};
    put(b, x, 4);
}

static void put_bytes(buf *b, const char *s, size_t n) {
    put_int(b, (uint32_t) n);
    put(b, s, n);
}

static void put_string(buf *b, const char *s) { put_bytes(b, s, strlen(s)); }

/* ---- the socket ---- */

static int write_all(int fd, const void *data, size_t n) {
    const unsigned char *p = data;
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        p += w;
        n -= (size_t) w;
    }
    return 0;
}

static int read_all(int fd, void *data, size_t n) {
    unsigned char *p = data;
    while (n > 0) {
        ssize_t r = read(fd, p, n);
        if (r < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        if (r == 0) return -1;
        p += r;
        n -= (size_t) r;
    }
    return 0;
}

static int send_frame(int fd, int type, const void *body, size_t n) {
    unsigned char head[5] = {(unsigned char) type, (unsigned char) (n >> 24), (unsigned char) (n >> 16),
                             (unsigned char) (n >> 8), (unsigned char) n};
    /* One write for small frames: the agent reads whole frames either way. */
    if (n <= 4096) {
        unsigned char one[5 + 4096];
        memcpy(one, head, 5);
        if (n) memcpy(one + 5, body, n);
        return write_all(fd, one, 5 + n);
    }
    return write_all(fd, head, 5) == 0 && write_all(fd, body, n) == 0 ? 0 : -1;
}

/* The next frame: its type, its body in *body (of *len bytes); -1 at the end of the stream or on a broken one. */
static int read_frame(int fd, unsigned char **body, uint32_t *len, size_t *cap) {
    unsigned char head[5];
    uint32_t n;
    if (read_all(fd, head, 5) < 0) return -1;
    n = (uint32_t) head[1] << 24 | (uint32_t) head[2] << 16 | (uint32_t) head[3] << 8 | head[4];
    if (n > MAX_BODY) return -1;
    if (n > *cap) {
        unsigned char *p = realloc(*body, n);
        if (!p) return -1;
        *body = p;
        *cap = n;
    }
    if (n > 0 && read_all(fd, *body, n) < 0) return -1;
    *len = n;
    return head[0];
}

static uint32_t number(const unsigned char *b, uint32_t len) {
    if (len < 4) return 0;
    return (uint32_t) b[0] << 24 | (uint32_t) b[1] << 16 | (uint32_t) b[2] << 8 | b[3];
}

/* ---- paths ---- */

/* Whether s is empty or only white space (Java's isBlank, for ASCII). */
static int blank(const char *s) {
    if (!s) return 1;
    for (; *s; s++) {
        if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r' && *s != '\f' && *s != '\v') return 0;
    }
    return 1;
}

/* `path` made absolute against the working folder, its repeated and trailing slashes dropped (as Path.of does). */
static char *absolute(const char *path, const char *cwd) {
    size_t n = strlen(path) + strlen(cwd) + 2;
    char *joined = malloc(n), *out = malloc(n);
    size_t i, o = 0;
    if (!joined || !out) exit(1);
    if (path[0] == '/') snprintf(joined, n, "%s", path);
    else snprintf(joined, n, "%s/%s", cwd, path);
    for (i = 0; joined[i]; i++) {
        if (joined[i] == '/' && o > 0 && out[o - 1] == '/') continue;
        out[o++] = joined[i];
    }
    if (o > 1 && out[o - 1] == '/') o--;
    out[o] = 0;
    free(joined);
    return out;
}

/* The FastGPU home as FastGpu.defaultHome() finds it: $FASTGPU_HOME, else ~/.fastgpu with ~ from $HOME. */
static char *fastgpu_home(const char *cwd) {
    const char *h = getenv("FASTGPU_HOME");
    char *base, *home;
    size_t n;
    if (!blank(h)) return absolute(h, cwd);
    h = getenv("HOME");
    if (blank(h)) {
        struct passwd *pw = getpwuid(getuid());
        h = pw && pw->pw_dir ? pw->pw_dir : "/";
    }
    base = absolute(h, cwd);
    n = strlen(base) + sizeof "/.fastgpu";
    home = malloc(n);
    if (!home) exit(1);
    snprintf(home, n, "%s%s", strcmp(base, "/") == 0 ? "" : base, "/.fastgpu");
    free(base);
    return home;
}

/* The agent's pid as its file names it (AgentHome.running()), or -1. */
static long agent_pid(const char *home) {
    char path[4096], text[256];
    long pid = -1;
    int lines = 0;
    size_t i;
    ssize_t n;
    int fd;
    snprintf(path, sizeof path, "%s/agent/agent.pid", home);
    fd = open(path, O_RDONLY);
    if (fd < 0) return -1;
    n = read(fd, text, sizeof text - 1);
    close(fd);
    if (n <= 0) return -1;
    text[n] = 0;
    for (i = 0; i < (size_t) n; i++) {
        if (text[i] == '\n') lines++;
    }
    if (text[n - 1] != '\n') lines++;
    if (lines < 3) return -1;
    {
        char *end;
        long v = strtol(text, &end, 10);
        while (*end == ' ' || *end == '\t' || *end == '\r') end++;
        if (end != text && *end == '\n') pid = v;
    }
    return pid;
}

/* ---- whether the jar is older than its sources (the launcher's `find`, without its processes) ---- */

static int newer(const struct stat *a, const struct stat *b) {
    return a->st_mtim.tv_sec > b->st_mtim.tv_sec
            || (a->st_mtim.tv_sec == b->st_mtim.tv_sec && a->st_mtim.tv_nsec > b->st_mtim.tv_nsec);
}

/*
 * Whether `path` is or holds a file newer than the jar that goes into it: a pom.xml or a file under a src/main
 * folder (but this client's own source, src/main/c, which is not in the jar), not under a folder named target. Symbolic links are not followed; what cannot be read does not count.
 */
static int stale(const char *path, const char *name, const struct stat *jar) {
    struct stat st;
    if (strcmp(name, "target") == 0 || lstat(path, &st) != 0) return 0;
    if (S_ISREG(st.st_mode)) {
        return (strcmp(name, "pom.xml") == 0
                || (strstr(path, "/src/main/") != NULL && strstr(path, "/src/main/c/") == NULL)) && newer(&st, jar);
    }
    if (S_ISDIR(st.st_mode)) {
        DIR *d = opendir(path);
        struct dirent *e;
        int found = 0;
        if (!d) return 0;
        while (!found && (e = readdir(d)) != NULL) {
            size_t n;
            char *child;
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
            n = strlen(path) + strlen(e->d_name) + 2;
            child = malloc(n);
            if (!child) break;
            snprintf(child, n, "%s/%s", path, e->d_name);
            found = stale(child, e->d_name, jar);
            free(child);
        }
        closedir(d);
        return found;
    }
    return 0;
}

/* Whether the jar must be built first: missing, or older than a source (the same folders as the launcher's check). */
static int jar_stale(const char *jar, const char *launcher) {
    static const char *const roots[] = {"pom.xml", "api", "core", "transports", "providers", "emulator", "cli"};
    struct stat js;
    const char *slash = strrchr(launcher, '/');
    size_t rootlen = slash ? (size_t) (slash - launcher) : 0;
    size_t i;
    if (stat(jar, &js) != 0 || !S_ISREG(js.st_mode)) return 1;
    for (i = 0; i < sizeof roots / sizeof roots[0]; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%.*s/%s", (int) rootlen, launcher, roots[i]);
        if (stale(path, roots[i], &js)) return 1;
    }
    return 0;
}

/* ---- the JVM client, where this one cannot talk to the agent ---- */

static void fall_back(const char *launcher, char **args) {
    int n = 0, i;
    char **argv;
    while (args[n]) n++;
    argv = malloc(sizeof(char *) * (size_t) (n + 2));
    if (!argv) exit(1);
    argv[0] = (char *) launcher;
    for (i = 0; i < n; i++) argv[i + 1] = args[i];
    argv[n + 1] = NULL;
    setenv("FASTGPU_CLIENT_FALLBACK", "1", 1);
    execv(launcher, argv);
    fprintf(stderr, "fastgpu: cannot run %s: %s\n", launcher, strerror(errno));
    exit(1);
}

/* ---- starting the agent ---- */

/* A connection to the agent at addr that said OK to HELLO with build, or -1 (nothing listens, or it refused). */
static int hello(const struct sockaddr_un *addr, const char *build, int *refused) {
    buf b = {NULL, 0, 0};
    unsigned char *body = NULL;
    size_t cap = 0;
    uint32_t len;
    int type;
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    *refused = 0;
    if (fd < 0) return -1;
    fcntl(fd, F_SETFD, FD_CLOEXEC);
    if (connect(fd, (const struct sockaddr *) addr, sizeof *addr) < 0) {
        close(fd);
        return -1;
    }
    /* HELLO: the build, and HOME and PATH as this process has them (Hello.ofThisProcess). */
    put_string(&b, build);
    put_string(&b, getenv("HOME") ? getenv("HOME") : "");
    put_string(&b, getenv("PATH") ? getenv("PATH") : "");
    type = send_frame(fd, HELLO, b.p, b.n) < 0 ? -1 : read_frame(fd, &body, &len, &cap);
    free(b.p);
    free(body);
    if (type == OK) return fd;
    *refused = 1;
    close(fd);
    return -1;
}

/* Whether an environment variable is a credential, which the agent is never given (AgentClient.withoutSecrets). */
static int secret(const char *entry, size_t name_len) {
    static const char *const prefixes[] = {"ALIYUN", "ALIBABA_CLOUD", "FASTGPU_ALIYUN"};
    static const char *const parts[] = {"SECRET", "TOKEN", "PASSWORD", "PASSPHRASE", "ACCESS_KEY", "CREDENTIAL"};
    char name[256];
    size_t i;
    if (name_len >= sizeof name) name_len = sizeof name - 1;
    for (i = 0; i < name_len; i++) name[i] = (char) toupper((unsigned char) entry[i]);
    name[name_len] = 0;
    for (i = 0; i < sizeof prefixes / sizeof *prefixes; i++) {
        if (strncmp(name, prefixes[i], strlen(prefixes[i])) == 0) return 1;
    }
    for (i = 0; i < sizeof parts / sizeof *parts; i++) {
        if (strstr(name, parts[i])) return 1;
    }
    return 0;
}

/*
 * The agent's class-data archive for build in dir, moving one the last agent wrote as it exited into place (no agent
 * runs: the caller holds the start lock and found none); NULL when there is none yet (the JVM client then starts the
 * agent that writes it).
 */
static char *class_archive(const char *dir, const char *build) {
    char *archive = malloc(strlen(dir) + 64), *pending = malloc(strlen(dir) + 64);
    struct stat st;
    if (!archive || !pending) exit(1);
    sprintf(archive, "%s/agent-%s.jsa", dir, build);
    sprintf(pending, "%s/agent-%s.jsa.new", dir, build);
    if (stat(pending, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0 && rename(pending, archive) == 0) {
        chmod(archive, 0400);
    }
    free(pending);
    if (stat(archive, &st) == 0 && S_ISREG(st.st_mode)) return archive;
    free(archive);
    return NULL;
}

/*
 * Starts the agent of home (its folder dir) as AgentClient.spawn does, and returns a connection to it that said OK,
 * or -1 for the JVM client to take over. Keep the JVM's options the same as there.
 */
static int start_agent(const char *home, const char *dir, const char *jar, const char *build, const struct sockaddr_un *addr) {
    char path[4096];
    struct stat st;
    struct flock fl;
    int lock, fd = -1, refused;
    long pid;
    pid_t child;
    char *archive;
    if (lstat(dir, &st) != 0 || !S_ISDIR(st.st_mode) || st.st_uid != getuid() || (st.st_mode & 077) != 0) return -1;
    snprintf(path, sizeof path, "%s/unavailable", dir);
    if (access(path, F_OK) == 0) return -1;
    snprintf(path, sizeof path, "%s/start.lock", dir);
    lock = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (lock < 0) return -1;
    memset(&fl, 0, sizeof fl);
    fl.l_type = F_WRLCK;
    fl.l_whence = SEEK_SET;
    while (fcntl(lock, F_SETLKW, &fl) < 0) {
        if (errno != EINTR) {
            close(lock);
            return -1;
        }
    }
    /* Whoever held the lock before may have started one; an agent process still named in the home is the JVM client's. */
    fd = hello(addr, build, &refused);
    pid = agent_pid(home);
    if (fd >= 0 || refused || (pid > 0 && (kill((pid_t) pid, 0) == 0 || errno == EPERM))
            || !(archive = class_archive(dir, build))) {
        close(lock);
        return fd;
    }
    child = fork();
    if (child == 0) {
        const char *opts = getenv("FASTGPU_AGENT_JAVA_OPTS");
        char *words = opts ? strdup(opts) : NULL, *w, *cp = NULL, **argv, **env, **e;
        char share[4200];
        size_t n = 0, k;
        int log, null;
        setsid();
        if (chdir(home) != 0) _exit(127);
        snprintf(path, sizeof path, "%s/agent.log", dir);
        log = open(path, O_WRONLY | O_APPEND | O_CREAT, 0600);
        null = open("/dev/null", O_RDONLY);
        if (log < 0 || null < 0) _exit(127);
        dup2(null, 0);
        dup2(log, 1);
        dup2(log, 2);
        if (null > 2) close(null);
        if (log > 2) close(log);
        argv = calloc(32 + (opts ? strlen(opts) : 0), sizeof *argv);
        for (e = environ; *e; e++) n++;
        env = calloc(n + 2, sizeof *env);
        if (!argv || !env) _exit(127);
        n = 0;
        argv[n++] = "java";
        argv[n++] = "-XX:+UseSerialGC";
        argv[n++] = "-Xss1m";
        argv[n++] = "-Xlog:disable";
        argv[n++] = "-Xlog:all=error:stderr";
        snprintf(share, sizeof share, "-XX:SharedArchiveFile=%s", archive);
        argv[n++] = share;
        for (w = words ? strtok_r(words, " \t\n\r\f\v", &cp) : NULL; w; w = strtok_r(NULL, " \t\n\r\f\v", &cp)) argv[n++] = w;
        argv[n++] = "-cp";
        argv[n++] = (char *) jar;
        argv[n++] = "io.fastgpu.cli.Main";
        argv[n++] = "agent";
        argv[n++] = "run";
        argv[n] = NULL;
        k = 0;
        for (e = environ; *e; e++) {
            char *eq = strchr(*e, '=');
            if (!eq || eq == *e || secret(*e, (size_t) (eq - *e))) continue;
            if ((size_t) (eq - *e) == strlen("FASTGPU_HOME") && strncmp(*e, "FASTGPU_HOME", strlen("FASTGPU_HOME")) == 0) continue;
            env[k++] = *e;
        }
        {
            char *h = malloc(strlen(home) + sizeof "FASTGPU_HOME=");
            if (!h) _exit(127);
            sprintf(h, "FASTGPU_HOME=%s", home);
            env[k++] = h;
        }
        env[k] = NULL;
        environ = env;
        execvp("java", argv);
        _exit(127);
    }
    free(archive);
    if (child > 0) {
        /* As long as the JVM client waits for a new agent (a JVM start on a machine under heavy load). */
        struct timespec pause = {0, 10 * 1000 * 1000};
        int waited;
        for (waited = 0; waited < 6000; waited++) {
            int status;
            fd = hello(addr, build, &refused);
            if (fd >= 0 || refused) break;
            if (waitpid(child, &status, WNOHANG) == child) break; /* it ended: the JVM client finds out why */
            nanosleep(&pause, NULL);
        }
    }
    close(lock);
    return fd;
}

/* ---- signals: counted in the handler, sent as frames by the loop (a pipe wakes it) ---- */

static volatile sig_atomic_t signals_seen;
static int wake[2] = {-1, -1};

static void on_signal(int sig) {
    int saved = errno;
    unsigned char s = (unsigned char) sig;
    /*
     * A closed terminal: as the JVM client does on SIGHUP, this client ends (129), and the agent, seeing it gone,
     * interrupts the command once with HUP.
     */
    if (sig == SIGHUP) _exit(128 + SIGHUP);
    /* The agent ends the command; a third signal ends this client even if the agent does not answer. */
    if (++signals_seen > 2) _exit(128 + sig);
    if (write(wake[1], &s, 1) < 0) _exit(128 + sig);
    errno = saved;
}

static const char *signal_name(int sig) {
    return sig == SIGINT ? "INT" : "TERM";
}

int main(int argc, char **argv) {
    const char *jar, *launcher;
    char **args;
    char cwd[4096], build[17];
    char *home;
    struct sockaddr_un addr;
    int fd, type, nargs, i, terminal, refused;
    unsigned char *body = NULL;
    size_t cap = 0;
    uint32_t len;
    long pid;
    buf b = {NULL, 0, 0};
    size_t stdin_want[64];
    int stdin_head = 0, stdin_count = 0;

    if (argc < 3) {
        fputs("usage: fastgpu-client JAR LAUNCHER ARGS...\n", stderr);
        return 2;
    }
    jar = argv[1];
    launcher = argv[2];
    args = argv + 3;
    nargs = argc - 3;
    /* A jar older than its sources is built first: the launcher does that, and its JVM client runs the command. */
    if (jar_stale(jar, launcher)) fall_back(launcher, args);
    if (!getcwd(cwd, sizeof cwd)) fall_back(launcher, args);
    home = fastgpu_home(cwd);

    memset(&addr, 0, sizeof addr);
    addr.sun_family = AF_UNIX;
    if ((size_t) snprintf(addr.sun_path, sizeof addr.sun_path, "%s/agent/agent.sock", home) >= sizeof addr.sun_path) {
        fall_back(launcher, args);
    }
    signal(SIGPIPE, SIG_IGN);
    build_id(jar, build);
    fd = hello(&addr, build, &refused);
    if (fd < 0 && !refused) {
        char *dir = malloc(strlen(home) + sizeof "/agent");
        if (!dir) exit(1);
        sprintf(dir, "%s/agent", home);
        fd = start_agent(home, dir, jar, build, &addr);
        free(dir);
    }
    if (fd < 0) fall_back(launcher, args);

    /* The agent said yes: from here on the command is the agent's. */
    pid = agent_pid(home);
    /* A terminal as the JVM sees one (System.console()): stdin and stdout both a terminal. */
    terminal = isatty(0) && isatty(1);
    b.n = 0;
    put_int(&b, (uint32_t) nargs);
    for (i = 0; i < nargs; i++) put_string(&b, args[i]);
    put_string(&b, cwd);
    {
        unsigned char t = (unsigned char) (terminal ? 1 : 0);
        put(&b, &t, 1);
    }
    {
        /* The environment as System.getenv() has it: entries with a name and an '='. */
        uint32_t count = 0;
        char **e;
        for (e = environ; *e; e++) {
            char *eq = strchr(*e, '=');
            if (eq && eq != *e) count++;
        }
        put_int(&b, count);
        for (e = environ; *e; e++) {
            char *eq = strchr(*e, '=');
            if (!eq || eq == *e) continue;
            put_bytes(&b, *e, (size_t) (eq - *e));
            put_string(&b, eq + 1);
        }
    }

    if (pipe(wake) == 0) {
        struct sigaction sa;
        fcntl(wake[0], F_SETFD, FD_CLOEXEC);
        fcntl(wake[1], F_SETFD, FD_CLOEXEC);
        fcntl(wake[1], F_SETFL, O_NONBLOCK);
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_signal;
        sigemptyset(&sa.sa_mask);
        sa.sa_flags = SA_RESTART;
        sigaction(SIGINT, &sa, NULL);
        sigaction(SIGTERM, &sa, NULL);
        sigaction(SIGHUP, &sa, NULL);
    }
    if (send_frame(fd, REQUEST, b.p, b.n) < 0) goto gone;

    for (;;) {
        struct pollfd p[3];
        int np = 2, r;
        p[0].fd = fd;
        p[0].events = POLLIN;
        p[1].fd = wake[0];
        p[1].events = POLLIN;
        if (stdin_count > 0) {
            p[2].fd = 0;
            p[2].events = POLLIN;
            np = 3;
        }
        r = poll(p, (nfds_t) np, -1);
        if (r < 0) {
            if (errno == EINTR) continue;
            goto gone;
        }
        if (wake[0] >= 0 && (p[1].revents & POLLIN)) {
            unsigned char s;
            if (read(wake[0], &s, 1) == 1) {
                const char *name = signal_name(s);
                if (send_frame(fd, SIGNAL_FRAME, name, strlen(name)) < 0) _exit(128 + s);
            }
        }
        if (np == 3 && p[2].revents) {
            size_t want = stdin_want[stdin_head];
            unsigned char *in = malloc(want);
            ssize_t n = in ? read(0, in, want) : -1;
            while (n < 0 && errno == EINTR) n = read(0, in, want);
            stdin_head = (stdin_head + 1) % 64;
            stdin_count--;
            if (n > 0 ? send_frame(fd, STDIN_DATA, in, (size_t) n) < 0 : send_frame(fd, STDIN_EOF, NULL, 0) < 0) {
                free(in);
                goto gone;
            }
            free(in);
        }
        if (p[0].revents) {
            type = read_frame(fd, &body, &len, &cap);
            if (type < 0) goto gone;
            switch (type) {
            case OUT:
                if (write_all(1, body, len) < 0) goto gone;
                break;
            case ERR:
                if (write_all(2, body, len) < 0) goto gone;
                break;
            case WANT_STDIN: {
                uint32_t w = number(body, len);
                if ((int32_t) w < 1) w = 1;
                if (w > 65536) w = 65536;
                if (stdin_count < 64) {
                    stdin_want[(stdin_head + stdin_count) % 64] = w;
                    stdin_count++;
                }
                break;
            }
            case EXIT_FRAME:
                close(fd);
                exit((int) number(body, len));
            default:
                break;
            }
        }
    }

gone:
    /* The same line as the Java client's (AgentClient.talk) when the agent went away during the command. */
    if (pid > 0) {
        fprintf(stderr, "error: the FastGPU agent (pid %ld) ended during the command; the next command starts a new one"
                        " (its log: %s/agent/agent.log)\n", pid, home);
    } else {
        fprintf(stderr, "error: the FastGPU agent ended during the command; the next command starts a new one"
                        " (its log: %s/agent/agent.log)\n", home);
    }
    return 1;
}

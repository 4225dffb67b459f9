package io.fastgpu.core.job;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fastgpu.api.InvalidSpecException;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import io.fastgpu.api.JobOptions;
import io.fastgpu.api.Resources;
import io.fastgpu.core.files.FileSelection;
import io.fastgpu.core.files.UploadSpec;
import io.fastgpu.core.util.ShellQuote;
import io.fastgpu.core.util.Suggest;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Reads and checks a job file. Every problem is one line naming the file, where in it, and what to do;
 * all of it is checked (upload paths included) before any machine is created.
 */
public final class JobFileParser {
    /** The longest job name: it becomes part of host names, which allow 63 characters. */
    private static final int MAX_NAME = 63;
    private static final YAMLMapper MAPPER = YAMLMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.ACCEPT_SINGLE_VALUE_AS_ARRAY)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .build();

    private JobFileParser() { }

    /** The job file itself, or {@code job.yaml} in a folder. */
    public static Path locate(Path fileOrDir) {
        Path file = Files.isDirectory(fileOrDir) ? fileOrDir.resolve("job.yaml") : fileOrDir;
        if (Files.isRegularFile(file)) return file;
        if (Files.isDirectory(fileOrDir)) {
            throw new InvalidSpecException(Files.exists(file)
                    ? file + " is not a regular file; a job file is a YAML file (job.yaml in a job folder)"
                    : "no job.yaml in " + fileOrDir + "; pass a job file or a folder that has one");
        }
        throw new InvalidSpecException(Files.exists(fileOrDir)
                ? fileOrDir + " is not a regular file or a folder; pass a job file or a folder with job.yaml in it"
                : "job file " + fileOrDir + " does not exist");
    }

    public static JobFile parse(Path fileOrDir) {
        Path file = locate(fileOrDir);
        String where = file.toString();
        String text = JobFileText.read(file);
        Raw raw;
        try {
            if (text.isBlank()) {
                throw new InvalidSpecException(where + ": the job file is empty; it needs at least 'name' and 'steps'");
            }
            raw = MAPPER.readValue(text, Raw.class);
        } catch (UnrecognizedPropertyException e) {
            Set<String> known = e.getKnownPropertyIds().stream().map(Object::toString).collect(Collectors.toCollection(java.util.TreeSet::new));
            String hint = Suggest.closest(e.getPropertyName(), known).map(s -> " (did you mean '" + s + "'?)")
                    .orElse("; known keys: " + String.join(", ", known));
            throw new InvalidSpecException(at(where, e.getLocation()) + "unknown key '" + shown(e.getPropertyName()) + "'"
                    + inPath(e) + hint);
        } catch (MismatchedInputException e) {
            if (syntaxError(e) != null) throw malformed(where, syntaxError(e));
            if (e.getPath().isEmpty()) {
                throw new InvalidSpecException(at(where, e.getLocation()) + expected(e.getTargetType()) + " at the top level"
                        + found(e));
            }
            throw new InvalidSpecException(at(where, e.getLocation()) + "wrong value" + inPath(e) + ": "
                    + expected(e.getTargetType()) + found(e));
        } catch (JsonMappingException e) {
            Throwable syntax = syntaxError(e);
            if (syntax != null) throw malformed(where, syntax);
            throw new InvalidSpecException(at(where, e.getLocation()) + "wrong value" + inPath(e) + ": "
                    + e.getOriginalMessage().lines().findFirst().orElse("").replaceAll(" \\(class .*", ""));
        } catch (JsonProcessingException e) {
            throw malformed(where, syntaxError(e) != null ? syntaxError(e) : e);
        }
        if (raw == null) throw new InvalidSpecException(where + ": the job file is empty; it needs at least 'name' and 'steps'");
        return validate(file, raw, text);
    }

    /** What a value of the type the file's shape asks for looks like, in the file's own terms. */
    private static String expected(Class<?> type) {
        if (type == null) return "unexpected value";
        if (type == Raw.class) return "expected a mapping of keys (name:, steps: ...)";
        if (type == RawStep.class) return "expected a step {name: ..., run: ...}";
        if (type == RawResources.class) return "expected a mapping {instance_type: ..., image: ..., spot: ..., disk_gb: ..., framework: ...}";
        if (Map.class.isAssignableFrom(type)) return "expected a mapping of NAME: value";
        if (java.util.Collection.class.isAssignableFrom(type)) return "expected a list";
        if (type == int.class || type == Integer.class || type == long.class || type == Long.class) return "expected a whole number";
        if (type == boolean.class || type == Boolean.class) return "expected true or false";
        if (type == String.class) return "expected a text value";
        return "expected a " + type.getSimpleName();
    }

    /** ", found ..." naming what the file has instead, when Jackson says. */
    private static String found(MismatchedInputException e) {
        if (e instanceof InvalidFormatException f && f.getValue() != null) return ", found '" + shown(String.valueOf(f.getValue())) + "'";
        String message = String.valueOf(e.getOriginalMessage());
        if (message.contains("`null`")) return ", found nothing";
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("from ([\\w-]+) value").matcher(message);
        if (!m.find()) return "";
        return switch (m.group(1)) {
            case "Array" -> ", found a list";
            case "Object" -> ", found a mapping";
            case "String" -> ", found text";
            case "Boolean" -> ", found true/false";
            default -> ", found a number";
        };
    }

    /** SnakeYAML's own error, which knows where the problem is, when the YAML itself is broken. */
    private static Throwable syntaxError(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof MarkedYAMLException) return t;
        }
        return null;
    }

    private static InvalidSpecException malformed(String where, Throwable e) {
        if (e instanceof MarkedYAMLException m && m.getProblemMark() != null) {
            return new InvalidSpecException(where + ":" + (m.getProblemMark().getLine() + 1) + ":"
                    + (m.getProblemMark().getColumn() + 1) + ": malformed YAML: " + m.getProblem()
                    + (m.getContext() != null ? " (" + m.getContext() + " at line " + (m.getContextMark().getLine() + 1) + ")" : ""));
        }
        String msg = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
        return new InvalidSpecException(at(where, e instanceof JsonProcessingException j ? j.getLocation() : null)
                + "malformed YAML: " + String.valueOf(msg).lines().findFirst().orElse("").strip());
    }

    private static String at(String file, JsonLocation loc) {
        return loc == null || loc.getLineNr() < 1 ? file + ": " : file + ":" + loc.getLineNr() + ":" + loc.getColumnNr() + ": ";
    }

    private static String inPath(JsonMappingException e) {
        String path = e.getPath().stream().map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                .collect(Collectors.joining(".")).replace(".[", "[");
        int last = path.lastIndexOf('.');
        String parent = e instanceof UnrecognizedPropertyException ? (last < 0 ? "" : path.substring(0, last)) : path;
        return parent.isEmpty() ? "" : " in " + parent;
    }

    private static JobFile validate(Path file, Raw raw, String text) {
        String where = file + ": ";
        if (raw.name == null || raw.name.isBlank()) {
            throw new InvalidSpecException(where + "'name' is required (lower-case letters, digits and '-')");
        }
        if (!JobOptions.isValidName(raw.name)) {
            String suggestion = raw.name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]+", "-").replaceAll("^-+", "");
            suggestion = suggestion.substring(0, Math.min(suggestion.length(), MAX_NAME)).replaceAll("-+$", "");
            String eg = JobOptions.isValidName(suggestion) && !suggestion.equals(raw.name) ? ", e.g. '" + suggestion + "'" : "";
            if (raw.name.length() > MAX_NAME) {
                throw new InvalidSpecException(where + "name '" + shown(raw.name) + "' is " + raw.name.length()
                        + " characters long; a job name has at most " + MAX_NAME + eg);
            }
            throw new InvalidSpecException(where + "name '" + shown(raw.name) + "' is invalid: use lower-case letters, digits"
                    + " and '-', starting and ending with a letter or digit, at most " + MAX_NAME + " characters" + eg);
        }
        if (raw.machines < 1 || raw.machines > 256) {
            throw new InvalidSpecException(where + "machines must be 1..256, was " + raw.machines);
        }
        Resources resources;
        try {
            RawResources r = raw.resources == null ? new RawResources() : raw.resources;
            resources = new Resources(r.instanceType, r.image, r.spot, r.diskGb);
        } catch (IllegalArgumentException e) {
            throw new InvalidSpecException(where + "resources: " + e.getMessage());
        }
        if (raw.steps == null || raw.steps.isEmpty()) {
            throw new InvalidSpecException(where + "'steps' is required: a list of {name: ..., run: ...}");
        }
        List<JobFile.Step> steps = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < raw.steps.size(); i++) {
            RawStep s = raw.steps.get(i);
            String at = where + "steps[" + i + "]";
            if (s == null || s.name == null || s.name.isBlank()) throw new InvalidSpecException(at + " needs a 'name'");
            int control = JobFileText.firstControl(s.name.strip());
            if (control >= 0) {
                throw new InvalidSpecException(at + ": step name '" + shown(s.name.strip()) + "' contains a control character ("
                        + JobFileText.describe(s.name.strip().codePointAt(control)) + "); a name is one line of printable text");
            }
            if (s.run == null || s.run.isBlank()) throw new InvalidSpecException(at + " ('" + s.name + "') needs a 'run' command");
            if (!names.add(s.name)) throw new InvalidSpecException(at + ": step name '" + s.name + "' is used twice; names must be unique");
            String on = s.on == null ? "task0" : s.on.strip();
            if (!on.equals("all") && !on.matches("task\\d+")) {
                throw new InvalidSpecException(at + ": on must be 'all' or 'taskN', was '" + shown(on) + "'");
            }
            if (!on.equals("all") && Integer.parseInt(on.substring(4)) >= raw.machines) {
                throw new InvalidSpecException(at + ": on: " + on + " but the job has " + raw.machines + " machine(s)");
            }
            DistributedLaunch.Kind launcher = null;
            if (s.launcher != null) {
                try {
                    launcher = DistributedLaunch.Kind.parse(s.launcher);
                } catch (InvalidSpecException e) {
                    throw new InvalidSpecException(at + ": " + e.getMessage());
                }
            }
            int nproc = s.nprocPerNode == null ? 0 : s.nprocPerNode;
            if (nproc < 0 || nproc > 1024) throw new InvalidSpecException(at + ": nproc_per_node must be 1..1024, was " + nproc);
            steps.add(new JobFile.Step(s.name.strip(), s.run, on, launcher, nproc));
        }
        Map<String, String> env = raw.env == null ? Map.of() : raw.env;
        for (String k : env.keySet()) {
            if (!ShellQuote.isEnvName(k)) throw new InvalidSpecException(where + "env: '" + shown(k) + "' is not a valid variable name");
        }
        List<UploadSpec> upload = uploads(file, raw.upload);
        List<String> download = raw.download == null ? List.of() : raw.download;
        for (int i = 0; i < download.size(); i++) {
            String d = download.get(i);
            int control = d == null ? -1 : JobFileText.firstControl(d);
            if (control >= 0) {
                throw new InvalidSpecException(where + "download[" + i + "]: '" + shown(d) + "' contains a control character ("
                        + JobFileText.describe(d.codePointAt(control)) + "); remove it");
            }
        }
        try {
            DownloadLayout.checkLayout(download);
        } catch (IllegalArgumentException e) {
            throw new InvalidSpecException(where + "download: " + e.getMessage());
        }
        JobFile.After after;
        try {
            after = JobFile.After.valueOf((raw.after == null ? "stop" : raw.after.strip()).toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InvalidSpecException(where + "after must be stop, kill or keep, was '" + shown(raw.after) + "'");
        }
        String runName = raw.runName == null ? raw.name : raw.runName;
        if (!runName.matches("[A-Za-z0-9._-]{1,100}")) {
            throw new InvalidSpecException(where + "run_name must be letters, digits, '.', '_' or '-', was '" + shown(runName) + "'");
        }
        String backend = raw.backend == null ? "local" : raw.backend.strip();
        Map<String, String> backendOptions = new LinkedHashMap<>();
        if (raw.fleet != null && !raw.fleet.isBlank()) backendOptions.put("fleet", raw.fleet.strip());
        if (raw.nas) backendOptions.put("nas", "true");
        if (raw.cluster != null && !raw.cluster.isBlank()) backendOptions.put("cluster", raw.cluster.strip());
        if (raw.resources != null && raw.resources.framework != null && !raw.resources.framework.isBlank()) {
            backendOptions.put("framework", raw.resources.framework.strip());
        }
        return new JobFile(file, raw.name, runName, raw.machines, backend,
                resources, upload, raw.setup == null ? "" : raw.setup, new LinkedHashMap<>(env), steps,
                download, after, backendOptions, uploadViaTask0(where, raw.uploadVia), raw.managed,
                Recovery.parse(where, raw.recovery), CostGuard.parse(where, raw.autostop, raw.maxCost, raw.maxDuration),
                MetricRule.parse(file.toString(), text, raw.metrics), RegisterSpec.parse(where, raw.register),
                data(where, raw.data));
    }

    /** The {@code data:} mapping: where each input comes from, and the folder it appears in on each task. */
    private static Map<String, String> data(String where, Map<String, Object> raw) {
        if (raw == null) return Map.of();
        Map<String, String> data = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : raw.entrySet()) {
            if (!(e.getValue() instanceof String target) || target.isBlank()) {
                throw new InvalidSpecException(where + "data: '" + shown(e.getKey()) + "' needs the folder it appears in as text,"
                        + " e.g. cos://bucket/path/: /opt/ml/input/data/train");
            }
            if (JobFileText.firstControl(e.getKey()) >= 0 || JobFileText.firstControl(target) >= 0) {
                throw new InvalidSpecException(where + "data: '" + shown(e.getKey()) + "' contains a control character; remove it");
            }
            data.put(e.getKey().strip(), target.strip());
        }
        return data;
    }

    private static boolean uploadViaTask0(String where, String via) {
        if (via == null || via.equals("direct")) return false;
        if (via.equals("task0")) return true;
        throw new InvalidSpecException(where + "upload_via must be direct or task0, was '" + shown(via) + "'");
    }

    /**
     * The upload entries, each checked against the files: a path (inside the job folder) or {from: ..., to: ...}.
     * Plain scalars are taken as text, as YAML writes a folder named 2024 as a number.
     */
    private static List<UploadSpec> uploads(Path file, List<Object> entries) {
        if (entries == null) return List.of();
        String where = file + ": ";
        Path folder = file.toAbsolutePath().getParent();
        List<UploadSpec> specs = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            Object o = entries.get(i);
            String at = where + "upload[" + i + "]: ";
            UploadSpec spec;
            try {
                if (o instanceof String || o instanceof Number || o instanceof Boolean) {
                    spec = UploadSpec.inJobFolder(checkedPath(at, String.valueOf(o)));
                } else if (o instanceof Map<?, ?> m) {
                    for (Object key : m.keySet()) {
                        if (!"from".equals(key) && !"to".equals(key)) {
                            String hint = Suggest.closest(String.valueOf(key), List.of("from", "to"))
                                    .map(k -> " (did you mean '" + k + "'?)").orElse("; an entry is {from: PATH, to: FOLDER}");
                            throw new InvalidSpecException(at + "unknown key '" + shown(String.valueOf(key)) + "'" + hint);
                        }
                    }
                    if (!(m.get("from") instanceof String from) || !(m.get("to") instanceof String to)) {
                        throw new InvalidSpecException(at + "{from: ..., to: ...} needs both, as text: 'from' a local path "
                                + "(anywhere), 'to' where it lands under the task's home");
                    }
                    spec = new UploadSpec(checkedPath(at, from), checkedPath(at, to));
                } else {
                    throw new InvalidSpecException(at + "expected a path or {from: PATH, to: FOLDER}, found "
                            + (o == null ? "nothing" : o instanceof List ? "a list" : "'" + shown(String.valueOf(o)) + "'"));
                }
                FileSelection.check(folder, spec);
            } catch (IllegalArgumentException e) {
                throw new InvalidSpecException(where + "upload: " + e.getMessage());
            }
            specs.add(spec);
        }
        return specs;
    }

    private static String checkedPath(String at, String path) {
        int control = JobFileText.firstControl(path);
        if (control >= 0) {
            throw new InvalidSpecException(at + "'" + shown(path) + "' contains a control character ("
                    + JobFileText.describe(path.codePointAt(control)) + "); remove it");
        }
        return path;
    }

    /** A value from the file as it may be shown on one terminal line: control characters escaped, long ones cut. */
    static String shown(String value) {
        if (value == null) return "null";
        StringBuilder b = new StringBuilder();
        int shownChars = 0;
        for (int i = 0; i < value.length(); i += Character.charCount(value.codePointAt(i))) {
            if (shownChars++ == 40) {
                b.append("...");
                break;
            }
            int cp = value.codePointAt(i);
            if (JobFileText.isControl(cp)) b.append(String.format(Locale.ROOT, "\\u%04X", cp));
            else b.appendCodePoint(cp);
        }
        return b.toString();
    }

    /** The file as written; field names are the YAML keys. */
    static final class Raw {
        @JsonProperty("name") public String name;
        @JsonProperty("run_name") public String runName;
        @JsonProperty("machines") public int machines = 1;
        @JsonProperty("backend") public String backend;
        @JsonProperty("resources") public RawResources resources;
        @JsonProperty("upload") public List<Object> upload;
        @JsonProperty("setup") public String setup;
        @JsonProperty("env") public Map<String, String> env;
        @JsonProperty("steps") public List<RawStep> steps;
        @JsonProperty("download") public List<String> download;
        @JsonProperty("after") public String after;
        @JsonProperty("fleet") public String fleet;
        @JsonProperty("upload_via") public String uploadVia;
        @JsonProperty("nas") public boolean nas;
        @JsonProperty("cluster") public String cluster;
        @JsonProperty("managed") public boolean managed;
        @JsonProperty("recovery") public Object recovery;
        @JsonProperty("autostop") public Object autostop;
        @JsonProperty("max_cost") public Object maxCost;
        @JsonProperty("max_duration") public Object maxDuration;
        @JsonProperty("metrics") public Object metrics;
        @JsonProperty("register") public Object register;
        @JsonProperty("data") public Map<String, Object> data;
    }

    static final class RawResources {
        @JsonProperty("instance_type") public String instanceType;
        @JsonProperty("image") public String image;
        @JsonProperty("spot") public boolean spot;
        @JsonProperty("disk_gb") public int diskGb = 100;
        @JsonProperty("framework") public String framework;
    }

    static final class RawStep {
        @JsonProperty("name") public String name;
        @JsonProperty("run") public String run;
        @JsonProperty("on") public String on;
        @JsonProperty("launcher") public String launcher;
        @JsonProperty("nproc_per_node") public Integer nprocPerNode;
    }
}

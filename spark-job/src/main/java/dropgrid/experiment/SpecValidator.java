package dropgrid.experiment;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dropgrid.drop.Strategies;
import dropgrid.experiment.ExperimentSpec.HyperparameterSpec;
import dropgrid.experiment.ExperimentSpec.LimitsSpec;
import dropgrid.experiment.ExperimentSpec.ModelSpec;
import dropgrid.experiment.ExperimentSpec.ResourcesSpec;
import dropgrid.experiment.ExperimentSpec.StrategySpec;
import dropgrid.experiment.ExperimentSpec.TwoStageSpec;
import dropgrid.glue.GlueData;
import dropgrid.glue.GlueTask;
import dropgrid.glue.Split;
import dropgrid.hub.HubClient;
import dropgrid.hub.HubModels;
import dropgrid.hub.HubSource;
import dropgrid.hub.ModelManifest;
import dropgrid.kernels.Precision;
import dropgrid.kernels.TorchNative;
import dropgrid.model.Architecture;
import dropgrid.model.ModelCache;
import dropgrid.storage.Location;
import dropgrid.train.Hyperparameters;
import dropgrid.train.LayerAnalyses;
import dropgrid.train.Limits;
import dropgrid.train.ModelSource;
import dropgrid.vocabulary.Baseline;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks a parsed spec against everything that can be known before a cell runs (names, depths,
 * paths, value ranges), collecting every error, and resolves it: environment references expanded,
 * relative paths taken relative to the spec file, depths read from local {@code config.json} files,
 * fractions of the depth turned into K.
 */
final class SpecValidator {

    private static final String SOURCE_FORMS = "a model directory, an s3a:// prefix, a model name ("
            + String.join(", ", ModelSource.names()) + ") or hf:<org>/<name>[@<revision>]";
    private static final Pattern ENV_REF = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]+");
    private static final ObjectMapper CONFIG_JSON =
            JsonMapper.builder().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

    private final List<String> errors = new ArrayList<>();
    private final String base;
    private final Map<String, String> env;

    private SpecValidator(String base, Map<String, String> env) {
        this.base = base;
        this.env = env;
    }

    static Grid validate(ExperimentSpec raw, String location, String base, Map<String, String> env,
            SpecReader.Overrides overrides, String specHash, List<String> parseErrors) {
        SpecValidator v = new SpecValidator(base, env);
        v.errors.addAll(parseErrors);
        Grid grid = v.resolve(raw, overrides, specHash);
        if (!v.errors.isEmpty()) {
            throw new SpecException(location, v.errors);
        }
        return grid;
    }

    private Grid resolve(ExperimentSpec s, SpecReader.Overrides overrides, String specHash) {
        String name = s.name();
        if (name == null) {
            error("name", "missing; required (letters, digits, '.', '_', '-')");
        } else if (!NAME.matcher(name).matches()) {
            error("name", "'" + name + "' is not allowed; use letters, digits, '.', '_', '-'");
        }
        String output = location("output", overrides.output() != null ? overrides.output() : s.output(), null);
        if (output == null && overrides.output() == null && s.output() == null) {
            error("output", "missing; required: a local directory or an s3a:// prefix (or pass --output)");
        }
        String glueDir = location("glue_dir", overrides.glueDir() != null ? overrides.glueDir() : s.glueDir(),
                defaultGlueDir());
        List<GlueTask> tasks = tasks(s.tasks(), glueDir);
        List<Long> seeds = seeds(s.seeds());
        boolean allowDropAll = Boolean.TRUE.equals(s.allowDropAll());
        List<Grid.Model> models = models(s.models(), s.drop(), s.twoStage(), allowDropAll);
        List<StrategySpec> strategies = strategies("strategies", s.strategies());
        List<StrategySpec> twoStage = s.twoStage() == null ? List.of()
                : strategies("two_stage.strategies", s.twoStage().strategies());
        sharedLayers(models, "strategies", strategies);
        sharedLayers(models, "two_stage.strategies", twoStage);
        Map<GlueTask, Hyperparameters> hyperparameters = hyperparameters(s.hyperparameters(), tasks);
        Limits limits = limits(s.limits());
        ResourcesSpec r = s.resources() == null ? new ResourcesSpec(null, null) : s.resources();
        int threads = r.threadsPerTask() == null ? 0 : r.threadsPerTask();
        if (r.threadsPerTask() != null && threads < 1) {
            error("resources.threads_per_task", threads + " is not allowed; must be >= 1");
        }
        int gpus = r.gpusPerTask() == null ? 0 : r.gpusPerTask();
        if (gpus != 0 && gpus != 1) {
            error("resources.gpus_per_task", gpus + " is not allowed; must be 0 or 1");
        }
        boolean freezeDropped = s.twoStage() == null || !Boolean.FALSE.equals(s.twoStage().freezeDropped());
        Set<LayerAnalyses.Kind> analyses = analyses(s.analyses());
        if (!errors.isEmpty()) {
            return null;
        }
        return Grid.expand(new Grid.Plan(name, output, glueDir, specHash, models, strategies, twoStage, tasks, seeds,
                hyperparameters, limits, freezeDropped, analyses, threads, gpus));
    }

    private Set<LayerAnalyses.Kind> analyses(List<String> names) {
        Set<LayerAnalyses.Kind> kinds = EnumSet.noneOf(LayerAnalyses.Kind.class);
        for (int i = 0; names != null && i < names.size(); i++) {
            try {
                kinds.add(LayerAnalyses.Kind.parse(String.valueOf(names.get(i))));
            } catch (IllegalArgumentException e) {
                error("analyses[" + i + "]", e.getMessage());
            }
        }
        return kinds;
    }

    /**
     * ALBERT's layers share one set of parameters (one group in every released checkpoint): dropping K
     * of L layers applies the shared layer L − K times whichever layers a strategy names, so every
     * strategy of a given K would build the very model {@code top} builds, and the grid would repeat
     * cells. Only {@code top} (and the baseline every grid runs) is accepted.
     */
    private void sharedLayers(List<Grid.Model> models, String path, List<StrategySpec> strategies) {
        for (Grid.Model m : models) {
            if (m.architecture() != Architecture.ALBERT) {
                continue;
            }
            for (int i = 0; i < strategies.size(); i++) {
                if (!strategies.get(i).name().equals("top")) {
                    error(path + "[" + i + "]", "'" + strategies.get(i).name() + "' cannot be run on ALBERT model '"
                            + m.id() + "': its layers share one set of parameters, so dropping K layers applies the"
                            + " shared layer L − K times and every strategy builds the model 'top' builds; use"
                            + " strategies: [top] for ALBERT (in a spec of its own)");
                }
            }
        }
    }

    private void error(String path, String message) {
        errors.add(path + ": " + message);
    }

    private String defaultGlueDir() {
        String home = env.get("DROPGRID_HOME");
        if (home != null && !home.isBlank()) {
            return Paths.get(home, "glue").toString();
        }
        return Paths.get(System.getProperty("user.home"), ".cache", "dropgrid", "glue").toString();
    }

    /** Expands {@code ${NAME}} references, then makes a relative local path relative to the spec file. */
    private String location(String path, String value, String fallback) {
        if (value == null) {
            return fallback;
        }
        String expanded = expand(path, value);
        if (expanded != null && expanded.isBlank()) {
            error(path, "empty; expected a local directory or an s3a:// prefix");
            return null;
        }
        return expanded == null ? null : resolvePath(expanded);
    }

    private String expand(String path, String value) {
        Matcher m = ENV_REF.matcher(value);
        StringBuilder s = new StringBuilder();
        while (m.find()) {
            String v = env.get(m.group(1));
            if (v == null) {
                error(path, "'" + value + "' uses environment variable " + m.group(1) + ", which is not set");
                return null;
            }
            m.appendReplacement(s, Matcher.quoteReplacement(v));
        }
        m.appendTail(s);
        return s.toString();
    }

    private String resolvePath(String value) {
        Location location = Location.of(value);
        if (location.isRemote()) {
            return value;
        }
        Path path = location.path();
        if (path.isAbsolute()) {
            return path.normalize().toString();
        }
        Location spec = Location.of(base);
        return spec.isRemote() ? base + value : spec.path().resolve(value).normalize().toString();
    }

    private static boolean isRemote(String location) {
        return Location.of(location).isRemote();
    }

    private List<GlueTask> tasks(List<String> names, String glueDir) {
        List<GlueTask> tasks = new ArrayList<>();
        if (names == null || names.isEmpty()) {
            error("tasks", (names == null ? "missing" : "empty") + "; required: a list of GLUE tasks ("
                    + allowedTasks() + ")");
            return tasks;
        }
        for (int i = 0; i < names.size(); i++) {
            String n = names.get(i);
            GlueTask task;
            if (n == null) {
                error("tasks[" + i + "]", "empty; allowed: " + allowedTasks());
                continue;
            }
            try {
                task = GlueTask.parse(n);
            } catch (IllegalArgumentException e) {
                error("tasks[" + i + "]", "unknown GLUE task '" + n + "'; allowed: " + allowedTasks());
                continue;
            }
            if (tasks.contains(task)) {
                error("tasks[" + i + "]", "'" + n + "' is listed twice");
                continue;
            }
            tasks.add(task);
            if (glueDir != null && !isRemote(glueDir)) {
                List<Split> splits = new ArrayList<>(List.of(Split.TRAIN));
                splits.addAll(task.devSplits());
                for (Split split : splits) {
                    if (!GlueData.has(Paths.get(glueDir), task, split)) {
                        error("tasks[" + i + "]", GlueData.missing(Paths.get(glueDir), task, split));
                    }
                }
            }
        }
        return tasks;
    }

    private static String allowedTasks() {
        return String.join(", ", java.util.Arrays.stream(GlueTask.values()).map(GlueTask::dirName).toList());
    }

    private List<Long> seeds(List<Long> seeds) {
        if (seeds == null || seeds.isEmpty()) {
            return List.of(42L);
        }
        if (seeds.contains(null)) {
            error("seeds[" + seeds.indexOf(null) + "]", "empty; a seed is a whole number");
            return List.of(42L);
        }
        if (new HashSet<>(seeds).size() != seeds.size()) {
            error("seeds", seeds + " lists a seed twice");
        }
        return seeds;
    }

    private List<Grid.Model> models(List<ModelSpec> specs, List<Double> drop, TwoStageSpec twoStage,
            boolean allowDropAll) {
        List<Grid.Model> models = new ArrayList<>();
        if (specs == null || specs.isEmpty()) {
            error("models", (specs == null ? "missing" : "empty") + "; required: a list of {id, architecture,"
                    + " source, layers}");
            return models;
        }
        if (drop == null || drop.isEmpty()) {
            error("drop", (drop == null ? "missing" : "empty") + "; required: a list of K (layers to drop) or"
                    + " fractions of the depth in (0, 1)");
        }
        Map<Integer, Double> dropValues = dropValues("drop", drop);
        Map<Integer, Double> twoStageValues = twoStage == null ? Map.of()
                : dropValues("two_stage.drop", twoStage.drop());
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < specs.size(); i++) {
            String at = "models[" + i + "]";
            ModelSpec m = specs.get(i);
            if (m == null) {
                error(at, "empty; expected a mapping {id, source, architecture, layers}");
                continue;
            }
            if (m.id() == null) {
                error(at + ".id", "missing; required: the model's name in result rows");
            } else if (!ids.add(m.id())) {
                error(at + ".id", "'" + m.id() + "' is used by another model; ids must be unique");
            }
            Integer depth = m.layers();
            String architecture = m.architecture();
            String source = null;
            boolean local = false;
            if (m.source() == null) {
                error(at + ".source", "missing; required: " + SOURCE_FORMS);
            } else {
                String expanded = expand(at + ".source", m.source());
                if (expanded != null && expanded.isBlank()) {
                    error(at + ".source", "empty; expected " + SOURCE_FORMS);
                } else if (expanded != null && HubSource.isHub(expanded)) {
                    source = expanded;
                } else if (expanded != null) {
                    String asPath = resolvePath(expanded);
                    local = !isRemote(asPath) && looksLikePath(expanded, asPath);
                    source = isRemote(asPath) || local ? asPath : expanded;
                }
            }
            if (source != null && HubSource.isHub(source)) {
                ModelSource.Known known = hubModel(at + ".source", source);
                if (known != null) {
                    depth = reconcile(at + ".layers", depth, known.layers());
                    architecture = reconcileArchitecture(at, architecture, known.architecture());
                } else {
                    source = null;
                }
            } else if (source != null && isRemote(source)) {
                if (depth == null) {
                    error(at + ".layers", "missing; required when the source is remote ('" + source + "')");
                }
            } else if (local) {
                Path dir = Paths.get(source);
                if (!Files.isDirectory(dir)) {
                    error(at + ".source", "'" + m.source() + "' is not a directory (" + dir
                            + "); expected a model directory with config.json, an s3a:// prefix, a model name ("
                            + String.join(", ", ModelSource.names()) + ") or hf:<org>/<name>[@<revision>]");
                } else {
                    JsonNode config = config(at, dir);
                    if (config != null) {
                        depth = reconcile(at + ".layers", depth, depthOf(config));
                        architecture = reconcileArchitecture(at, architecture, config.path("model_type").asText(null));
                        if (depth == null) {
                            error(at + ".layers", "missing; " + dir.resolve("config.json")
                                    + " has no num_hidden_layers, n_layers or n_layer");
                        }
                    }
                }
            } else if (source != null) {
                Optional<ModelSource.Known> known = ModelSource.known(source);
                if (known.isPresent()) {
                    depth = reconcile(at + ".layers", depth, known.get().layers());
                    architecture = reconcileArchitecture(at, architecture, known.get().architecture());
                } else {
                    error(at + ".source", "'" + source + "' is neither a directory nor a model name; expected "
                            + SOURCE_FORMS);
                    source = null;
                }
            }
            Architecture arch = null;
            boolean missingDir = local && !Files.isDirectory(Paths.get(source));
            if (architecture == null && source != null && !missingDir) {
                error(at + ".architecture", "missing; required unless the source's config.json has model_type");
            } else if (architecture != null) {
                try {
                    arch = Architecture.parse(architecture);
                } catch (IllegalArgumentException e) {
                    error(at + ".architecture", e.getMessage());
                }
            }
            if (depth != null && depth < 1) {
                error(at + ".layers", depth + " is not allowed; must be >= 1");
                depth = null;
            }
            if (depth == null || arch == null || source == null || m.id() == null) {
                continue;
            }
            List<Integer> ks = drops("drop", dropValues, depth, at, allowDropAll);
            List<Integer> twoStageKs = twoStage == null ? List.of()
                    : twoStage.drop() == null ? ks : drops("two_stage.drop", twoStageValues, depth, at, allowDropAll);
            models.add(new Grid.Model(m.id(), arch, source, depth, ks, twoStageKs));
        }
        return models;
    }

    /**
     * The architecture and depth of a Hub source, from the model manifest when it pins it, from the
     * model cache when it was fetched already, else from the Hub itself (its revision listing and
     * {@code config.json}); null, with an error, when none of them knows it.
     */
    private ModelSource.Known hubModel(String path, String written) {
        HubSource source;
        try {
            source = HubSource.parse(written);
        } catch (IllegalArgumentException e) {
            error(path, e.getMessage());
            return null;
        }
        Optional<ModelManifest.Entry> pin = ModelManifest.builtIn().byRepository(source.repository())
                .filter(e -> source.revision() == null || source.revision().equals(e.revision()));
        if (pin.isPresent()) {
            return new ModelSource.Known(pin.get().architecture(), pin.get().layers());
        }
        Optional<Path> cached = HubModels.knownDir(source, ModelCache.root(env))
                .filter(HubModels::isComplete);
        if (cached.isPresent()) {
            JsonNode config = config(path, cached.get());
            return config == null ? null : new ModelSource.Known(config.path("model_type").asText(null),
                    depthOf(config));
        }
        HubClient hub = new HubClient(env.getOrDefault("HF_ENDPOINT", HubClient.DEFAULT_ENDPOINT), env.get("HF_TOKEN"));
        try {
            HubClient.Revision listing = hub.revision(source.repository(),
                    source.revision() == null ? "main" : source.revision());
            JsonNode config = CONFIG_JSON.readTree(hub.smallFile(source.repository(), listing.commit(), "config.json"));
            return new ModelSource.Known(config.path("model_type").asText(null), depthOf(config));
        } catch (IllegalArgumentException | IOException e) {
            error(path, "'" + written + "' cannot be looked up on " + hub.endpoint() + ": " + e.getMessage());
            return null;
        }
    }

    /** A value meant as a path rather than a model name: it has path syntax or names an existing directory. */
    private static boolean looksLikePath(String written, String resolved) {
        return written.startsWith("/") || written.startsWith(".") || written.startsWith("~")
                || written.chars().filter(c -> c == '/').count() >= 2
                || Files.isDirectory(Paths.get(resolved));
    }

    private JsonNode config(String at, Path dir) {
        Path file = dir.resolve("config.json");
        if (!Files.isRegularFile(file)) {
            error(at + ".source", "'" + dir + "' has no config.json; expected a Hugging Face model directory");
            return null;
        }
        try {
            return CONFIG_JSON.readTree(file.toFile());
        } catch (IOException e) {
            error(at + ".source", file + " is not valid JSON: " + e.getMessage().lines().findFirst().orElse(""));
            return null;
        }
    }

    private static Integer depthOf(JsonNode config) {
        for (String key : List.of("num_hidden_layers", "n_layers", "n_layer")) {
            if (config.has(key)) {
                return config.get(key).asInt();
            }
        }
        return null;
    }

    private Integer reconcile(String path, Integer given, Integer known) {
        if (given != null && known != null && !given.equals(known)) {
            error(path, given + " contradicts the model's depth " + known + "; leave layers out or set it to " + known);
        }
        return known != null ? known : given;
    }

    private String reconcileArchitecture(String at, String given, String modelType) {
        if (given != null && modelType != null && !given.equalsIgnoreCase(modelType)) {
            error(at + ".architecture", "'" + given + "' contradicts config.json model_type '" + modelType + "'");
        }
        return given != null ? given : modelType;
    }

    /** K values for one model: whole numbers as they are, fractions of the depth rounded to the nearest layer. */
    /**
     * The entries of a drop list that are valid for any model, by index; what is wrong with an entry
     * whatever the model (not positive, not whole, listed twice) is reported here, once.
     */
    private Map<Integer, Double> dropValues(String path, List<Double> values) {
        Map<Integer, Double> valid = new LinkedHashMap<>();
        if (values == null) {
            return valid;
        }
        Map<Double, Integer> seen = new HashMap<>();
        for (int i = 0; i < values.size(); i++) {
            Double v = values.get(i);
            String at = path + "[" + i + "]";
            if (v == null || !Double.isFinite(v) || v <= 0) {
                error(at, v + " is not allowed; K must be >= 1 or a fraction in (0, 1)"
                        + " (K = 0, the baseline, is always run)");
            } else if (v >= 1 && v != Math.rint(v)) {
                error(at, v + " is not allowed; K must be a whole number or a fraction in (0, 1)");
            } else if (seen.containsKey(v)) {
                error(at, format(v) + " is listed twice (also at " + path + "[" + seen.get(v) + "])");
            } else {
                seen.put(v, i);
                valid.put(i, v);
            }
        }
        return valid;
    }

    private static String format(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
    }

    /** K values for one model: whole numbers as they are, fractions of the depth rounded to the nearest layer. */
    private List<Integer> drops(String path, Map<Integer, Double> values, int depth, String model,
            boolean allowDropAll) {
        List<Integer> ks = new ArrayList<>();
        for (Map.Entry<Integer, Double> entry : values.entrySet()) {
            double v = entry.getValue();
            String at = path + "[" + entry.getKey() + "]";
            int k;
            if (v < 1) {
                k = (int) Math.round(v * depth);
                if (k < 1) {
                    error(at, v + " of " + model + "'s " + depth + " layers rounds to 0; use a larger fraction");
                    continue;
                }
            } else {
                k = (int) v;
            }
            if (k > depth || (k == depth && !allowDropAll)) {
                error(at, "K = " + k + " is not allowed for " + model + " with " + depth + " layers; must be < " + depth
                        + (k == depth ? " (set allow_drop_all: true to keep only the embeddings)" : ""));
                continue;
            }
            if (!ks.contains(k)) {
                ks.add(k);
            }
        }
        return ks;
    }

    private List<StrategySpec> strategies(String path, List<StrategySpec> specs) {
        List<StrategySpec> out = new ArrayList<>();
        if (specs == null || specs.isEmpty()) {
            if ("strategies".equals(path)) {
                error(path, (specs == null ? "missing" : "empty") + "; required: a list of strategy names ("
                        + String.join(", ", StrategyCatalog.names()) + ")");
            }
            return out;
        }
        for (int i = 0; i < specs.size(); i++) {
            StrategySpec s = specs.get(i);
            String at = path + "[" + i + "]";
            if (s == null) {
                error(at, "empty; allowed: " + String.join(", ", StrategyCatalog.names()));
                continue;
            }
            if (s.name() == null) {
                error(at + ".name", "missing; allowed: " + String.join(", ", StrategyCatalog.names()));
                continue;
            }
            if (Baseline.STRATEGY.equals(s.name())) {
                error(at, "'none' is the unpruned baseline, which every grid runs; remove it");
                continue;
            }
            if (!StrategyCatalog.isKnown(s.name())) {
                error(at, "unknown strategy '" + s.name() + "'; allowed: "
                        + String.join(", ", StrategyCatalog.names()));
                continue;
            }
            Set<String> allowed = StrategyCatalog.optionsOf(s.name());
            boolean keysKnown = true;
            for (String key : new TreeSet<>(s.options().keySet())) {
                if (!allowed.contains(key)) {
                    keysKnown = false;
                    error(at + ".options." + key, "unknown option of '" + s.name() + "'; allowed: "
                            + (allowed.isEmpty() ? "none" : String.join(", ", new TreeSet<>(allowed))));
                }
            }
            if (keysKnown) {
                try {
                    Strategies.options(s.name(), s.options());
                } catch (IllegalArgumentException e) {
                    error(at + ".options", e.getMessage());
                }
            }
            if (out.contains(s)) {
                error(at, "'" + s.name() + "' with options " + s.options() + " is listed twice");
                continue;
            }
            out.add(s);
        }
        return out;
    }

    private Map<GlueTask, Hyperparameters> hyperparameters(HyperparameterSpec h, List<GlueTask> tasks) {
        Map<GlueTask, Hyperparameters> perTask = new EnumMap<>(GlueTask.class);
        HyperparameterSpec spec = h == null ? new HyperparameterSpec(null, null, null) : h;
        Hyperparameters preset;
        try {
            preset = Hyperparameters.preset(spec.preset() == null ? "paper" : spec.preset());
        } catch (IllegalArgumentException e) {
            error("hyperparameters.preset", e.getMessage());
            return perTask;
        }
        Hyperparameters common = preset;
        if (spec.overrides() != null) {
            try {
                common = spec.overrides().applyTo(preset);
            } catch (IllegalArgumentException e) {
                error("hyperparameters.overrides", e.getMessage());
                return perTask;
            }
        }
        Map<GlueTask, HyperparameterOverrides> overrides = new LinkedHashMap<>();
        if (spec.perTask() != null) {
            for (Map.Entry<String, HyperparameterOverrides> e : spec.perTask().entrySet()) {
                String at = "hyperparameters.per_task." + e.getKey();
                try {
                    GlueTask t = GlueTask.parse(e.getKey());
                    if (!tasks.contains(t)) {
                        error(at, "'" + e.getKey() + "' is not in tasks "
                                + tasks.stream().map(GlueTask::dirName).toList());
                    }
                    overrides.put(t, e.getValue());
                } catch (IllegalArgumentException ex) {
                    error(at, "unknown GLUE task '" + e.getKey() + "'; allowed: " + allowedTasks());
                }
            }
        }
        for (GlueTask t : tasks) {
            HyperparameterOverrides o = overrides.get(t);
            try {
                perTask.put(t, o == null ? common : o.applyTo(common));
            } catch (IllegalArgumentException e) {
                error("hyperparameters.per_task." + t.dirName(), e.getMessage());
            }
        }
        perTask.values().stream().map(Hyperparameters::precision).filter(Precision::reduced).findFirst()
                .filter(p -> !TorchNative.available())
                .ifPresent(p -> error("hyperparameters.precision", p + " needs dropgrid's native kernels, which do"
                        + " not load here (" + TorchNative.status() + "); use fp32"));
        return perTask;
    }

    private Limits limits(LimitsSpec l) {
        if (l == null) {
            return Limits.NONE;
        }
        try {
            return new Limits(orZero(l.maxTrainExamples()), orZero(l.maxEvalExamples()), orZero(l.maxSteps()));
        } catch (IllegalArgumentException e) {
            error("limits", e.getMessage());
            return Limits.NONE;
        }
    }

    private static int orZero(Integer v) {
        return v == null ? 0 : v;
    }
}

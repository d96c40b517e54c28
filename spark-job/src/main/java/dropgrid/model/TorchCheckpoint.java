package dropgrid.model;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * A PyTorch {@code pytorch_model.bin}: a state dict written by {@code torch.save}, in either of its two
 * formats. Since PyTorch 1.6 the file is a zip holding {@code <name>/data.pkl} (the pickled dict, each
 * tensor a persistent reference to a storage) and each storage's raw little-endian bytes as {@code
 * <name>/data/<key>}. Before (many Hub checkpoints of 2019-2020, XLNet's among them) it is five pickles
 * in a row (magic number, protocol 1001, system info, the dict, the list of storage keys), then each
 * storage as an int64 element count and its bytes.
 *
 * <p>The pickles are read by a small unpickler that knows only what a state dict holds (dicts, tuples,
 * numbers, strings, {@code OrderedDict} and {@code torch._utils._rebuild_tensor_v2}) and refuses any
 * other class, so a checkpoint cannot run code here, as {@code torch.load(weights_only=True)} refuses.
 * Storages are read when a tensor is asked for; F32, F16, BF16 and F64 convert to F32.
 */
public final class TorchCheckpoint extends CheckpointFile<TorchCheckpoint.TensorRef> {

    private static final BigInteger LEGACY_MAGIC = new BigInteger("1950a86a20f9469cfc6c", 16);

    /** A storage as a tensor refers to it: its key, element type and length. */
    record StorageRef(String key, String type, long numel) {}

    /** A tensor: a view of a storage at an element offset with a shape and strides. */
    record TensorRef(StorageRef storage, long offset, long[] shape, long[] stride) implements CheckpointFile.Stored {}

    private final Path file;
    private final ZipFile zip;
    private final String zipPrefix;
    /** Legacy format: where each storage's bytes begin in the file. */
    private final Map<String, Long> legacyOffsets;

    private TorchCheckpoint(Path file, Map<String, TensorRef> tensors, ZipFile zip, String zipPrefix,
            Map<String, Long> legacyOffsets) {
        super(file);
        this.file = file;
        tensors.forEach(this::list);
        this.zip = zip;
        this.zipPrefix = zipPrefix;
        this.legacyOffsets = legacyOffsets;
    }

    /** Opens {@code file}, reads its state dict's structure, and leaves the tensor bytes on disk. */
    public static TorchCheckpoint open(Path file) {
        try {
            byte[] head = new byte[4];
            try (InputStream in = Files.newInputStream(file)) {
                if (in.readNBytes(head, 0, 4) < 4) {
                    throw bad(file, "shorter than 4 bytes");
                }
            }
            return head[0] == 'P' && head[1] == 'K' ? openZip(file) : openLegacy(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    private static TorchCheckpoint openZip(Path file) throws IOException {
        ZipFile zip = new ZipFile(file.toFile());
        try {
            ZipEntry pickle = zip.stream().filter(e -> e.getName().endsWith("/data.pkl")).findFirst()
                    .orElseThrow(() -> bad(file, "a zip without <name>/data.pkl"));
            String prefix = pickle.getName().substring(0, pickle.getName().length() - "data.pkl".length());
            ZipEntry order = zip.getEntry(prefix + "byteorder");
            if (order != null) {
                String byteOrder = new String(zip.getInputStream(order).readAllBytes(), StandardCharsets.US_ASCII).trim();
                if (!byteOrder.equals("little")) {
                    throw bad(file, "byteorder '" + byteOrder + "'; only little-endian checkpoints are read");
                }
            }
            Object root;
            try (InputStream in = new BufferedInputStream(zip.getInputStream(pickle))) {
                root = new Unpickler(in, file).load();
            }
            return new TorchCheckpoint(file, stateDict(file, root), zip, prefix, null);
        } catch (IOException | RuntimeException e) {
            zip.close();
            throw e;
        }
    }

    private static TorchCheckpoint openLegacy(Path file) throws IOException {
        try (CountingInput in = new CountingInput(new BufferedInputStream(Files.newInputStream(file)))) {
            Object magic = new Unpickler(in, file).load();
            if (!LEGACY_MAGIC.equals(magic instanceof Long l ? BigInteger.valueOf(l) : magic)) {
                throw bad(file, "neither a zip nor a legacy torch.save file (magic number " + magic + ")");
            }
            Object protocol = new Unpickler(in, file).load();
            if (!Long.valueOf(1001).equals(protocol)) {
                throw bad(file, "legacy protocol version " + protocol + ", expected 1001");
            }
            Object sysInfo = new Unpickler(in, file).load();
            if (sysInfo instanceof Map<?, ?> info && Boolean.FALSE.equals(info.get("little_endian"))) {
                throw bad(file, "written on a big-endian machine; only little-endian checkpoints are read");
            }
            Map<String, TensorRef> tensors = stateDict(file, new Unpickler(in, file).load());
            Object keys = new Unpickler(in, file).load();
            if (!(keys instanceof List<?> keyList)) {
                throw bad(file, "the storage key list is a " + typeName(keys));
            }
            Map<String, StorageRef> storages = new HashMap<>();
            tensors.values().forEach(t -> storages.put(t.storage().key(), t.storage()));
            Map<String, Long> offsets = new HashMap<>();
            DataInputStream data = new DataInputStream(in);
            for (Object key : keyList) {
                long count = Long.reverseBytes(data.readLong());
                offsets.put(key.toString(), in.position());
                StorageRef storage = storages.get(key.toString());
                if (storage == null) {
                    throw bad(file, "storage " + key + " is listed but no tensor uses it");
                }
                if (count != storage.numel()) {
                    throw bad(file, "storage " + key + " holds " + count + " elements, its tensors say " + storage.numel());
                }
                in.skipNBytes(count * elementSize(file, storage.type()));
            }
            return new TorchCheckpoint(file, tensors, null, null, offsets);
        }
    }

    @Override
    public float[] floats(String name) {
        TensorRef t = stored(name);
        int size = elementSize(file, t.storage().type());
        long count = Arrays.stream(t.shape()).reduce(1, Math::multiplyExact);
        if (count > Integer.MAX_VALUE) {
            throw bad(file, "tensor " + name + " has " + count + " elements, more than a Java array holds");
        }
        long lastElement = t.offset();
        for (int d = 0; d < t.shape().length; d++) {
            lastElement += (t.shape()[d] - 1) * t.stride()[d];
        }
        if (count > 0 && (t.offset() < 0 || lastElement >= t.storage().numel())) {
            throw bad(file, "tensor " + name + " reaches past its storage of " + t.storage().numel() + " elements");
        }
        ByteBuffer bytes = storageBytes(t.storage(), size).order(ByteOrder.LITTLE_ENDIAN);
        float[] out = new float[(int) count];
        long[] index = new long[t.shape().length];
        for (int i = 0; i < out.length; i++) {
            long element = t.offset();
            for (int d = 0; d < index.length; d++) {
                element += index[d] * t.stride()[d];
            }
            out[i] = read(bytes, (int) (element * size), t.storage().type(), name);
            for (int d = index.length - 1; d >= 0 && ++index[d] == t.shape()[d]; d--) {
                index[d] = 0;
            }
        }
        return out;
    }

    @Override
    public void close() {
        if (zip != null) {
            try {
                zip.close();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot close " + file, e);
            }
        }
    }

    private ByteBuffer storageBytes(StorageRef storage, int elementSize) {
        long length = storage.numel() * elementSize;
        if (length > Integer.MAX_VALUE) {
            throw bad(file, "storage " + storage.key() + " has " + length + " bytes, more than one buffer holds");
        }
        try {
            if (zip != null) {
                ZipEntry entry = zip.getEntry(zipPrefix + "data/" + storage.key());
                if (entry == null) {
                    throw bad(file, "storage " + storage.key() + " is missing (no " + zipPrefix + "data/" + storage.key() + ")");
                }
                try (InputStream in = zip.getInputStream(entry)) {
                    byte[] data = in.readNBytes((int) length);
                    if (data.length < length) {
                        throw bad(file, "storage " + storage.key() + " has " + data.length + " bytes, expected " + length);
                    }
                    return ByteBuffer.wrap(data);
                }
            }
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
                return channel.map(FileChannel.MapMode.READ_ONLY, legacyOffsets.get(storage.key()), length);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read storage " + storage.key() + " of " + file, e);
        }
    }

    private float read(ByteBuffer bytes, int at, String type, String name) {
        return switch (type) {
            case "FloatStorage" -> bytes.getFloat(at);
            case "DoubleStorage" -> (float) bytes.getDouble(at);
            case "HalfStorage" -> SafeTensors.halfToFloat(bytes.getShort(at));
            case "BFloat16Storage" -> Float.intBitsToFloat((bytes.getShort(at) & 0xffff) << 16);
            default -> throw new IllegalArgumentException(file + ": tensor " + name + " is " + type
                    + ", not a floating-point type (FloatStorage, HalfStorage, BFloat16Storage, DoubleStorage)");
        };
    }

    private static int elementSize(Path file, String type) {
        return switch (type) {
            case "DoubleStorage", "LongStorage" -> 8;
            case "FloatStorage", "IntStorage" -> 4;
            case "HalfStorage", "BFloat16Storage", "ShortStorage" -> 2;
            case "ByteStorage", "CharStorage", "BoolStorage" -> 1;
            default -> throw bad(file, "unknown storage type " + type);
        };
    }

    /** The unpickled root as a flat name → tensor map; anything but a dict of tensors is refused. */
    private static Map<String, TensorRef> stateDict(Path file, Object root) {
        if (!(root instanceof Map<?, ?> map)) {
            throw bad(file, "the pickle holds a " + typeName(root) + ", not a state dict");
        }
        Map<String, TensorRef> tensors = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : map.entrySet()) {
            if (!(e.getValue() instanceof TensorRef t)) {
                throw bad(file, "state dict entry " + e.getKey() + " is a " + typeName(e.getValue()) + ", not a tensor");
            }
            tensors.put(e.getKey().toString(), t);
        }
        return tensors;
    }

    private static String typeName(Object o) {
        return o == null ? "None" : o instanceof Global g ? g.toString() : o.getClass().getSimpleName();
    }

    private static IllegalArgumentException bad(Path file, String message) {
        return new IllegalArgumentException(file + ": " + message);
    }

    /** A class or function named in the pickle ({@code torch._utils _rebuild_tensor_v2}). */
    private record Global(String module, String name) {
        @Override
        public String toString() {
            return module + "." + name;
        }
    }

    /** Counts the bytes read, so the legacy format's storage offsets are known. */
    private static final class CountingInput extends InputStream {
        private final InputStream in;
        private long position;

        CountingInput(InputStream in) {
            this.in = in;
        }

        long position() {
            return position;
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b >= 0) {
                position++;
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = in.read(buffer, offset, length);
            if (n > 0) {
                position += n;
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long skipped = in.skip(n);
            position += skipped;
            return skipped;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }

    /**
     * The pickle opcodes {@code torch.save} writes for a state dict (protocol 2), and nothing that
     * constructs arbitrary objects.
     */
    private static final class Unpickler {
        private static final Object MARK = new Object();

        private final DataInputStream in;
        private final Path file;
        private final Deque<Object> stack = new ArrayDeque<>();
        private final Map<Long, Object> memo = new HashMap<>();

        Unpickler(InputStream in, Path file) {
            this.in = new DataInputStream(in);
            this.file = file;
        }

        Object load() throws IOException {
            while (true) {
                int op = in.read();
                switch (op) {
                    case -1 -> throw new EOFException(file + ": pickle ends without STOP");
                    case 0x80 -> in.readUnsignedByte(); // PROTO
                    case '.' -> {
                        return pop();
                    }
                    case '}' -> stack.push(new LinkedHashMap<>());
                    case ']' -> stack.push(new ArrayList<>());
                    case ')' -> stack.push(List.of());
                    case '(' -> stack.push(MARK);
                    case 'N' -> stack.push(NONE);
                    case 0x88 -> stack.push(Boolean.TRUE);
                    case 0x89 -> stack.push(Boolean.FALSE);
                    case 'K' -> stack.push((long) in.readUnsignedByte());
                    case 'M' -> stack.push((long) Short.toUnsignedInt(Short.reverseBytes(in.readShort())));
                    case 'J' -> stack.push((long) Integer.reverseBytes(in.readInt()));
                    case 0x8a -> stack.push(long1(in.readUnsignedByte()));
                    case 'G' -> stack.push(in.readDouble());
                    case 'X' -> stack.push(text(Integer.reverseBytes(in.readInt())));
                    case 0x8c -> stack.push(text(in.readUnsignedByte()));
                    case 'U' -> stack.push(new String(in.readNBytes(in.readUnsignedByte()), StandardCharsets.ISO_8859_1));
                    case 'T' -> stack.push(new String(in.readNBytes(Integer.reverseBytes(in.readInt())),
                            StandardCharsets.ISO_8859_1));
                    case 'c' -> stack.push(new Global(line(), line()));
                    case 'q' -> memo.put((long) in.readUnsignedByte(), stack.peek());
                    case 'r' -> memo.put(Integer.toUnsignedLong(Integer.reverseBytes(in.readInt())), stack.peek());
                    case 0x94 -> memo.put((long) memo.size(), stack.peek()); // MEMOIZE
                    case 'h' -> stack.push(memoized(in.readUnsignedByte()));
                    case 'j' -> stack.push(memoized(Integer.toUnsignedLong(Integer.reverseBytes(in.readInt()))));
                    case 't' -> stack.push(List.copyOf(popToMark()));
                    case 0x85 -> stack.push(tuple(1));
                    case 0x86 -> stack.push(tuple(2));
                    case 0x87 -> stack.push(tuple(3));
                    case 'Q' -> stack.push(storage(pop()));
                    case 'R' -> {
                        Object args = pop();
                        stack.push(call(pop(), (List<?>) args));
                    }
                    case 'b' -> pop(); // BUILD: a dict's attributes (torch's _metadata) are not needed
                    case 's' -> {
                        Object value = pop();
                        Object key = pop();
                        dict(stack.peek()).put(key, value);
                    }
                    case 'u' -> {
                        List<Object> items = popToMark();
                        Map<Object, Object> dict = dict(stack.peek());
                        for (int i = 0; i + 1 < items.size(); i += 2) {
                            dict.put(items.get(i), items.get(i + 1));
                        }
                    }
                    case 'a' -> {
                        Object value = pop();
                        list(stack.peek()).add(value);
                    }
                    case 'e' -> {
                        List<Object> items = popToMark();
                        list(stack.peek()).addAll(items);
                    }
                    default -> throw bad(file, String.format("pickle opcode 0x%02x is not part of a state dict", op));
                }
            }
        }

        /** Python's None; a marker object, since the stack and List.copyOf hold no nulls. */
        private static final Object NONE = new Object() {
            @Override
            public String toString() {
                return "None";
            }
        };

        private Object call(Object callable, List<?> args) {
            if (!(callable instanceof Global g)) {
                throw bad(file, "pickle calls a " + typeName(callable));
            }
            return switch (g.toString()) {
                case "collections.OrderedDict" -> new LinkedHashMap<>();
                case "torch._utils._rebuild_tensor_v2", "torch._utils._rebuild_tensor" -> tensor(args);
                case "torch._utils._rebuild_parameter" -> args.get(0);
                default -> throw bad(file, "pickle calls " + g + "; only state dicts of tensors are read");
            };
        }

        private TensorRef tensor(List<?> args) {
            if (args.size() < 4 || !(args.get(0) instanceof StorageRef storage)) {
                throw bad(file, "a tensor is rebuilt from " + args + ", not (storage, offset, size, stride, ...)");
            }
            return new TensorRef(storage, (Long) args.get(1), longs(args.get(2)), longs(args.get(3)));
        }

        /** A persistent id: {@code ('storage', torch.<T>Storage, key, location, numel[, view])}. */
        private StorageRef storage(Object pid) {
            if (!(pid instanceof List<?> id) || id.size() < 5 || !"storage".equals(id.get(0))
                    || !(id.get(1) instanceof Global type)) {
                throw bad(file, "persistent id " + pid + " is not a storage reference");
            }
            if (id.size() > 5 && id.get(5) != NONE) {
                throw bad(file, "storage " + id.get(2) + " is a view of another storage, which is not read");
            }
            return new StorageRef(id.get(2).toString(), type.name(), (Long) id.get(4));
        }

        private long[] longs(Object tuple) {
            return ((List<?>) tuple).stream().mapToLong(v -> (Long) v).toArray();
        }

        private Object long1(int n) throws IOException {
            byte[] little = in.readNBytes(n);
            byte[] big = new byte[n];
            for (int i = 0; i < n; i++) {
                big[i] = little[n - 1 - i];
            }
            BigInteger value = n == 0 ? BigInteger.ZERO : new BigInteger(big);
            return value.bitLength() < 64 ? (Object) value.longValue() : value;
        }

        private String text(int length) throws IOException {
            return new String(in.readNBytes(length), StandardCharsets.UTF_8);
        }

        private String line() throws IOException {
            StringBuilder s = new StringBuilder();
            for (int c = in.read(); c != '\n'; c = in.read()) {
                if (c < 0) {
                    throw new EOFException(file + ": pickle ends inside a GLOBAL");
                }
                s.append((char) c);
            }
            return s.toString();
        }

        private Object memoized(long index) {
            if (!memo.containsKey(index)) {
                throw bad(file, "pickle refers to memo " + index + ", which was never stored");
            }
            return memo.get(index);
        }

        private List<Object> tuple(int n) {
            Object[] items = new Object[n];
            for (int i = n - 1; i >= 0; i--) {
                items[i] = pop();
            }
            return Collections.unmodifiableList(Arrays.asList(items));
        }

        private List<Object> popToMark() {
            List<Object> items = new ArrayList<>();
            for (Object o = pop(); o != MARK; o = pop()) {
                items.add(0, o);
            }
            return items;
        }

        private Object pop() {
            if (stack.isEmpty()) {
                throw bad(file, "pickle pops an empty stack");
            }
            return stack.pop();
        }

        @SuppressWarnings("unchecked")
        private Map<Object, Object> dict(Object o) {
            if (!(o instanceof Map<?, ?>)) {
                throw bad(file, "pickle sets an item on a " + typeName(o));
            }
            return (Map<Object, Object>) o;
        }

        @SuppressWarnings("unchecked")
        private List<Object> list(Object o) {
            if (!(o instanceof ArrayList<?>)) {
                throw bad(file, "pickle appends to a " + typeName(o));
            }
            return (List<Object>) o;
        }
    }
}

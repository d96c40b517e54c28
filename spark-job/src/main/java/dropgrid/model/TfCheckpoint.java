package dropgrid.model;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * A TensorFlow tensor-bundle checkpoint ({@code prefix.index} + {@code prefix.data-NNNNN-of-NNNNN}),
 * read without TensorFlow or protobuf, as {@code tensorflow/core/util/tensor_bundle} writes it.
 *
 * <p>The index is a LevelDB table: a 48-byte footer holds the block handles (varint offset and size)
 * of the metaindex and index blocks; the index block maps to data blocks; a data block holds
 * prefix-compressed key/value entries, a restart-point array and its count, and is followed by a
 * type byte (0 = uncompressed, the only kind TF writes for bundles) and a masked CRC32C. Each value
 * is a serialized {@code BundleEntryProto} (dtype, shape, shard_id, offset, size, crc32c); the entry
 * with the empty key is the {@code BundleHeaderProto} (num_shards). Tensor bytes are memory-mapped
 * from the data shards and checked against their masked CRC32C when read.
 */
public final class TfCheckpoint extends CheckpointFile<TfCheckpoint.Entry> {

    private static final long TABLE_MAGIC = 0xdb4775248b80fb57L;
    private static final int FOOTER_LENGTH = 48;
    private static final int MASK_DELTA = 0xa282ead8;

    /** TF {@code DataType} values this reader turns into F32 (types.proto). */
    private static final Map<Integer, SafeTensors.Dtype> FLOAT_DTYPES =
            Map.of(1, SafeTensors.Dtype.F32, 19, SafeTensors.Dtype.F16, 14, SafeTensors.Dtype.BF16);

    record Entry(int dtype, long[] shape, int shard, long offset, long size, int maskedCrc)
            implements CheckpointFile.Stored {}

    private final Path index;
    private final List<Path> shards = new ArrayList<>();
    private final List<FileChannel> channels = new ArrayList<>();

    private TfCheckpoint(Path index) throws IOException {
        super(index);
        this.index = index;
        ByteBuffer table = ByteBuffer.wrap(Files.readAllBytes(index)).order(ByteOrder.LITTLE_ENDIAN);
        if (table.limit() < FOOTER_LENGTH || table.getLong(table.limit() - 8) != TABLE_MAGIC) {
            throw bad(index, "not a TF checkpoint index (no table magic in the last 8 of its " + table.limit() + " bytes)");
        }
        ByteBuffer footer = table.duplicate().order(ByteOrder.LITTLE_ENDIAN).position(table.limit() - FOOTER_LENGTH);
        varint(footer); // metaindex handle: bundles keep nothing there
        varint(footer);
        long indexOffset = varint(footer);
        long indexSize = varint(footer);
        int numShards = 1;
        for (byte[][] handle : block(table, indexOffset, indexSize, "index block")) {
            ByteBuffer h = ByteBuffer.wrap(handle[1]);
            long offset = varint(h);
            long size = varint(h);
            for (byte[][] kv : block(table, offset, size, "data block at " + offset)) {
                String name = new String(kv[0], StandardCharsets.UTF_8);
                if (name.isEmpty()) {
                    numShards = header(kv[1]);
                } else {
                    list(name, entry(name, kv[1]));
                }
            }
        }
        String prefix = index.getFileName().toString().replaceFirst("\\.index$", "");
        for (int s = 0; s < numShards; s++) {
            Path shard = index.resolveSibling(String.format("%s.data-%05d-of-%05d", prefix, s, numShards));
            if (!Files.isRegularFile(shard)) {
                throw bad(index, "data shard " + shard + " is missing");
            }
            shards.add(shard);
            channels.add(FileChannel.open(shard, StandardOpenOption.READ));
        }
        for (Map.Entry<String, Entry> e : listed().entrySet()) {
            Entry t = e.getValue();
            if (t.shard() < 0 || t.shard() >= numShards) {
                throw bad(index, "tensor " + e.getKey() + " is in shard " + t.shard() + " of " + numShards);
            }
            long available = channels.get(t.shard()).size();
            if (t.offset() < 0 || t.offset() + t.size() > available) {
                throw bad(shards.get(t.shard()), String.format(
                        "truncated file: tensor %s needs bytes [%d, %d), the file has %d",
                        e.getKey(), t.offset(), t.offset() + t.size(), available));
            }
        }
    }

    /** Opens a bundle by its {@code .index} file; errors name the file and tensor. */
    public static TfCheckpoint open(Path index) {
        try {
            return new TfCheckpoint(index);
        } catch (IOException e) {
            throw new IllegalArgumentException(index + ": cannot read: " + e.getMessage(), e);
        } catch (java.nio.BufferUnderflowException | IndexOutOfBoundsException e) {
            throw new IllegalArgumentException(index + ": corrupt or truncated checkpoint index", e);
        }
    }

    /** The entries of the table block at [offset, offset + size), after checking its trailer. */
    private List<byte[][]> block(ByteBuffer table, long offset, long size, String what) {
        if (offset < 0 || size < 4 || offset + size + 5 > table.limit()) {
            throw bad(index, what + " [" + offset + ", +" + size + "] lies outside the file of " + table.limit() + " bytes");
        }
        int start = (int) offset;
        int end = start + (int) size;
        int type = table.get(end);
        if (type != 0) {
            throw bad(index, what + " has compression type " + type + "; only uncompressed blocks (0) are supported");
        }
        CRC32C crc = new CRC32C();
        crc.update(table.duplicate().position(start).limit(end + 1));
        if (mask((int) crc.getValue()) != table.getInt(end + 1)) {
            throw bad(index, what + " fails its CRC32C check");
        }
        int numRestarts = table.getInt(end - 4);
        int entriesEnd = end - 4 - 4 * numRestarts;
        ByteBuffer b = table.duplicate().order(ByteOrder.LITTLE_ENDIAN).position(start).limit(entriesEnd);
        List<byte[][]> out = new ArrayList<>();
        byte[] key = new byte[0];
        while (b.hasRemaining()) {
            int shared = (int) varint(b);
            int nonShared = (int) varint(b);
            int valueLength = (int) varint(b);
            byte[] next = new byte[shared + nonShared];
            System.arraycopy(key, 0, next, 0, shared);
            b.get(next, shared, nonShared);
            byte[] value = new byte[valueLength];
            b.get(value);
            out.add(new byte[][] {next, value});
            key = next;
        }
        return out;
    }

    /** BundleHeaderProto: field 1 num_shards; the rest (endianness, version) is not needed. */
    private int header(byte[] proto) {
        int numShards = 1;
        ByteBuffer b = ByteBuffer.wrap(proto).order(ByteOrder.LITTLE_ENDIAN);
        while (b.hasRemaining()) {
            long tag = varint(b);
            if (tag == (1 << 3)) {
                numShards = (int) varint(b);
            } else {
                skip(b, (int) (tag & 7), "the bundle header");
            }
        }
        return numShards;
    }

    /** BundleEntryProto: 1 dtype, 2 shape (TensorShapeProto: 2 dim {1 size}), 3 shard_id, 4 offset, 5 size, 6 crc32c. */
    private Entry entry(String name, byte[] proto) {
        int dtype = 0;
        int shard = 0;
        long offset = 0;
        long size = 0;
        int crc = 0;
        List<Long> shape = new ArrayList<>();
        ByteBuffer b = ByteBuffer.wrap(proto).order(ByteOrder.LITTLE_ENDIAN);
        while (b.hasRemaining()) {
            long tag = varint(b);
            int field = (int) (tag >>> 3);
            int wire = (int) (tag & 7);
            if (field == 1 && wire == 0) {
                dtype = (int) varint(b);
            } else if (field == 2 && wire == 2) {
                ByteBuffer s = slice(b);
                while (s.hasRemaining()) {
                    long t = varint(s);
                    if (t == ((2 << 3) | 2)) {
                        shape.add(dimSize(slice(s)));
                    } else {
                        skip(s, (int) (t & 7), "the shape of tensor " + name);
                    }
                }
            } else if (field == 3 && wire == 0) {
                shard = (int) varint(b);
            } else if (field == 4 && wire == 0) {
                offset = varint(b);
            } else if (field == 5 && wire == 0) {
                size = varint(b);
            } else if (field == 6 && wire == 5) {
                crc = b.getInt();
            } else if (field == 7) {
                throw bad(index, "tensor " + name + " is stored as slices, which this reader does not support");
            } else {
                skip(b, wire, "the entry of tensor " + name);
            }
        }
        return new Entry(dtype, shape.stream().mapToLong(Long::longValue).toArray(), shard, offset, size, crc);
    }

    private static long dimSize(ByteBuffer dim) {
        long size = 0;
        while (dim.hasRemaining()) {
            long t = varint(dim);
            if (t == (1 << 3)) {
                size = varint(dim);
            } else {
                skip(dim, (int) (t & 7), "a tensor dimension");
            }
        }
        return size;
    }

    @Override
    public float[] floats(String name) {
        Entry e = stored(name);
        SafeTensors.Dtype dtype = FLOAT_DTYPES.get(e.dtype());
        Path shard = shards.get(e.shard());
        if (dtype == null) {
            throw bad(shard, "tensor " + name + " has TF dtype " + e.dtype() + "; supported: 1 (float), 19 (half), 14 (bfloat16)");
        }
        long elements = 1;
        for (long d : e.shape()) {
            elements *= d;
        }
        if (e.size() != elements * dtype.bytes || elements > Integer.MAX_VALUE) {
            throw bad(shard, String.format("tensor %s: %d bytes for shape %s of %s", name, e.size(),
                    Arrays.toString(e.shape()), dtype));
        }
        ByteBuffer data;
        try {
            data = channels.get(e.shard()).map(FileChannel.MapMode.READ_ONLY, e.offset(), e.size());
        } catch (IOException ex) {
            throw new IllegalArgumentException(shard + ": cannot map tensor " + name + ": " + ex.getMessage(), ex);
        }
        CRC32C crc = new CRC32C();
        crc.update(data.duplicate());
        if (mask((int) crc.getValue()) != e.maskedCrc()) {
            throw bad(shard, String.format("tensor %s fails its CRC32C check (stored %08x, computed %08x): corrupt file",
                    name, e.maskedCrc(), mask((int) crc.getValue())));
        }
        return SafeTensors.toFloats(data.order(ByteOrder.LITTLE_ENDIAN), dtype, (int) elements);
    }

    /** TF masks stored CRCs so that CRCs of data containing CRCs stay well distributed (crc32c.h). */
    static int mask(int crc) {
        return ((crc >>> 15) | (crc << 17)) + MASK_DELTA;
    }

    private static long varint(ByteBuffer b) {
        long result = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            byte x = b.get();
            result |= (long) (x & 0x7f) << shift;
            if (x >= 0) {
                return result;
            }
        }
        throw new IllegalArgumentException("varint longer than 10 bytes");
    }

    private static ByteBuffer slice(ByteBuffer b) {
        int n = (int) varint(b);
        ByteBuffer s = b.slice().limit(n);
        b.position(b.position() + n);
        return s.order(ByteOrder.LITTLE_ENDIAN);
    }

    private static void skip(ByteBuffer b, int wire, String where) {
        switch (wire) {
            case 0 -> varint(b);
            case 1 -> b.position(b.position() + 8);
            case 2 -> slice(b);
            case 5 -> b.position(b.position() + 4);
            default -> throw new IllegalArgumentException("unexpected protobuf wire type " + wire + " in " + where);
        }
    }

    private static IllegalArgumentException bad(Path file, String message) {
        return new IllegalArgumentException(file + ": " + message);
    }

    @Override
    public void close() {
        for (FileChannel c : channels) {
            try {
                c.close();
            } catch (IOException e) {
                throw new IllegalStateException(index + ": cannot close a data shard: " + e.getMessage(), e);
            }
        }
    }
}

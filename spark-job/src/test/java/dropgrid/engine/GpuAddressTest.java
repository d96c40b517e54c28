package dropgrid.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Spark GPU addresses as CUDA ordinals, with and without CUDA_VISIBLE_DEVICES. */
class GpuAddressTest {

    @Test
    void anAddressIsTheCudaOrdinal() {
        assertEquals(0, GpuAddress.parse("0"));
        assertEquals(3, GpuAddress.parse("3"));
        assertEquals(2, GpuAddress.parse(" 2 "));
        assertEquals(12, GpuAddress.parse("12"));
    }

    @Test
    void addressesThatAreNoDeviceIndexAreRefusedByName() {
        for (String bad : new String[] {"03", "GPU-5b1c7a3e", "-1", "", "1,2", "0x1"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GpuAddress.parse(bad));
            assertTrue(e.getMessage().contains("'" + bad + "'"), e.getMessage());
            assertTrue(e.getMessage().contains("discovery script"), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> GpuAddress.parse(null));
    }

    @Test
    void withCudaVisibleDevicesAnAddressIndexesThatList() {
        // CUDA_VISIBLE_DEVICES=2,3: this process sees two GPUs, cuda:0 (physical 2) and cuda:1 (physical 3).
        GpuAddress.check(0, "2,3", 2);
        GpuAddress.check(1, "2,3", 2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GpuAddress.check(2, "2,3", 2));
        assertTrue(e.getMessage().contains("address 2"), e.getMessage());
        assertTrue(e.getMessage().contains("sees 2 GPUs"), e.getMessage());
        assertTrue(e.getMessage().contains("CUDA_VISIBLE_DEVICES=2,3"), e.getMessage());
    }

    @Test
    void withoutCudaVisibleDevicesTheAddressMustBeAVisibleDevice() {
        GpuAddress.check(3, null, 4);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GpuAddress.check(1, null, 1));
        assertTrue(e.getMessage().contains("sees 1 GPU ("), e.getMessage());
        assertTrue(e.getMessage().contains("CUDA_VISIBLE_DEVICES is unset"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> GpuAddress.check(0, null, 0));
    }
}

package dropgrid.analysis;

import dropgrid.model.Architecture;
import dropgrid.model.Encoder;

/** Where an encoder's summary token sits: XLNet pads on the left and keeps it last; the others put [CLS] first. */
final class SummaryToken {

    private SummaryToken() {}

    static boolean last(Encoder encoder) {
        return encoder.architecture() == Architecture.XLNET;
    }
}

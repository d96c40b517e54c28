package dropgrid.train;

import ai.djl.ndarray.NDManager;
import dropgrid.drop.DropStrategy;
import dropgrid.drop.Selection;
import dropgrid.drop.SimilaritySource;
import dropgrid.drop.Strategies;
import dropgrid.model.PretrainedModels;

/**
 * The layers a cell keeps, chosen by its strategy on one checkpoint (the pre-trained one, or the model
 * fine-tuned in stage 1 of a two-stage cell).
 *
 * @param seconds wall time of the choice, similarity pass included; 0 for static strategies, which are
 *     free by definition
 */
record LayerChoice(Selection selection, double seconds) {

    static LayerChoice on(PretrainedModels.Checkpoint checkpoint, CellInputs in, NDManager manager) {
        Cell cell = in.cell();
        Strategies.Row row = Strategies.named(cell.strategy());
        long start = System.nanoTime();
        SimilaritySource pass = null;
        if (row.needsData()) {
            int size = row.options(cell.strategyOptions(), cell.seed()).sample();
            SimilarityPass.Sample sample = SimilarityPass.Sample.of(in.trainExamples(), size, in.tokenizer(),
                    in.seqLength());
            pass = new SimilarityPass(checkpoint, sample, SimilarityPass.BATCH_SIZE, manager);
        }
        Selection selection = strategy(cell, pass).select(checkpoint.depth(), cell.drop());
        return new LayerChoice(selection, row.needsData() ? (System.nanoTime() - start) / 1e9 : 0.0);
    }

    /** The cell's strategy; its seed is the cell's unless its options name one. */
    static DropStrategy strategy(Cell cell, SimilaritySource source) {
        return Strategies.named(cell.strategy()).build(cell.strategyOptions(), cell.seed(), source);
    }
}

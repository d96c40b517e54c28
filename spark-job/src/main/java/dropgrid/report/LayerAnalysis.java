package dropgrid.report;

import java.util.List;

/**
 * The paper's per-layer analyses of one cell and task, averaged over the seeds that measured them; each
 * list is indexed by hidden state (0 = embeddings, i = output of the i-th kept layer), empty when not
 * measured.
 *
 * @param seeds rows averaged
 * @param driftCls Figure 5: pre-trained vs fine-tuned cosine at the summary token
 * @param driftTokens the same over all real tokens
 * @param probeScores Figure 4: a ridge probe's dev headline per hidden state
 */
public record LayerAnalysis(String model, String task, String strategy, String stage, int drop, int seeds,
        List<Double> driftCls, List<Double> driftTokens, List<Double> probeScores) {}

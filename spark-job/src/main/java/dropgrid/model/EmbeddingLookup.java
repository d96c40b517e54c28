package dropgrid.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Embedding;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * HF's {@code nn.Embedding} (Google's {@code embedding_lookup}): a table with one parameter, {@code
 * weight} (rows, E); ids (B, T) → vectors (B, T, E). DJL's own {@code Embedding} block would name its
 * parameter {@code embedding} and own a vocabulary; checkpoints need neither.
 */
final class EmbeddingLookup extends AbstractBlock {

    private final Parameter weight;

    EmbeddingLookup(int rows, int width) {
        weight = addParameter(Parameter.builder().setName("weight").setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(rows, width)).build());
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> p) {
        NDArray ids = inputs.head();
        return Embedding.embedding(ids, ps.getValue(weight, ids.getDevice(), training), SparseFormat.DENSE);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputs) {
        return new Shape[] {inputs[0].add(weight.getShape().get(1))};
    }
}

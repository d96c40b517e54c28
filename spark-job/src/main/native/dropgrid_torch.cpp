// dropgrid's JNI kernels: the transformer blocks, clipping and AdamW written once against ATen, so that
// bf16/fp16 tensors live only inside libtorch (DJL 0.36 aborts on any bf16 dtype it sees) and each
// block's intermediates are freed as soon as autograd no longer needs them.
//
// Tensors cross as DJL handles: a jlong is a heap-allocated at::Tensor*, as DJL's own JNI makes them.
// Every handle returned is new; the Java side wraps it in a PtNDArray, which deletes it.
//
// Precision codes (dropgrid.kernels.Precision ordinals): 0 fp32, 1 bf16, 2 fp16. Inputs, outputs,
// master weights and LayerNorm are fp32; the matmuls, attention and the feed-forward run in the
// compute type, as torch.autocast runs them.

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <ATen/Parallel.h>
#include <ATen/core/grad_mode.h>
#include <torch/csrc/autograd/custom_function.h>
#include <torch/version.h>
#include <jni.h>

#include <malloc.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace at::native {
// result = beta·result + alpha·mat1·mat2 on oneDNN, for 2-D or 3-D (batched) operands. Exported by
// libtorch_cpu (declared in ATen/native/mkldnn/Matmul.h, which the wheel's headers leave out): ATen sends
// bf16/fp16 GEMMs here itself, fp32 ones to MKL.
TORCH_API void mkldnn_matmul(const Tensor& mat1, const Tensor& mat2, const Tensor& result, float beta, float alpha);
// input·weightᵀ + bias as a oneDNN inner product, the bias added in the GEMM's epilogue and attr ("none")
// after it: the op torch.compile's CPU backend calls (mkldnn::_linear_pointwise; ATen/native/mkldnn/Linear.cpp).
TORCH_API Tensor mkldnn_linear_pointwise(const Tensor& input, const Tensor& weight, const std::optional<Tensor>& bias,
    std::string_view attr, c10::List<std::optional<at::Scalar>> scalars, std::optional<std::string_view> algorithm);
}  // namespace at::native

namespace {

at::Tensor& tensor(jlong handle) { return *reinterpret_cast<at::Tensor*>(handle); }

jlong handle(at::Tensor t) { return reinterpret_cast<jlong>(new at::Tensor(std::move(t))); }

std::vector<at::Tensor> tensors(JNIEnv* env, jlongArray handles) {
  jsize n = env->GetArrayLength(handles);
  std::vector<jlong> raw(n);
  env->GetLongArrayRegion(handles, 0, n, raw.data());
  std::vector<at::Tensor> out;
  out.reserve(n);
  for (jlong h : raw) out.push_back(tensor(h));
  return out;
}

at::ScalarType computeType(jint precision) {
  switch (precision) {
    case 0: return at::kFloat;
    case 1: return at::kBFloat16;
    case 2: return at::kHalf;
    default: TORCH_CHECK(false, "precision code ", precision, " is not 0 (fp32), 1 (bf16) or 2 (fp16)");
  }
}

// Runs body, turning a C++ exception into a Java ai.djl.engine.EngineException (DJL's own choice).
template <typename R, typename F>
R guarded(JNIEnv* env, F body) {
  try {
    return body();
  } catch (const c10::Error& e) {
    env->ThrowNew(env->FindClass("ai/djl/engine/EngineException"), e.what_without_backtrace());
  } catch (const std::exception& e) {
    env->ThrowNew(env->FindClass("ai/djl/engine/EngineException"), e.what());
  }
  return R{};
}

// alpha·a·b on oneDNN, for 2-D or 3-D (batched) a and b.
at::Tensor oneDnnMatmul(const at::Tensor& a, const at::Tensor& b, double alpha = 1) {
  auto sizes = a.sizes().vec();
  sizes.back() = b.size(-1);
  auto out = at::empty(sizes, a.options());
  at::native::mkldnn_matmul(a, b, out, 0, static_cast<float>(alpha));
  return out;
}

// fp32 GEMMs on the CPU run on oneDNN, forward and backward, where libtorch would run them on MKL: MKL
// takes its AVX2 code on AMD CPUs. Measured on this machine's Zen 5 core (1 thread), every GEMM of a BERT
// layer's forward and backward: MKL 116-120 GFLOP/s, oneDNN 228-274 (AVX-512), results equal within
// 1e-6 relative; attention's batched 128x64x128 products 2.1-2.6 ms on MKL, 0.8-0.9 ms on oneDNN.

// x·wᵀ + b, fp32 or bf16, as one oneDNN inner product with the bias in its epilogue. at::linear instead
// copies the bias into every output row and has the GEMM add into them (addmm, beta 1): measured here at
// a BERT-base layer's four projections (B 32 × 128 tokens, 1 thread), the inner product takes 4-10 % less
// time in bf16 and 5-13 % less in fp32. The backward is at::linear's, on oneDNN.
struct OneDnnLinear : torch::autograd::Function<OneDnnLinear> {
  static at::Tensor forward(torch::autograd::AutogradContext* ctx, const at::Tensor& x, const at::Tensor& w,
      const at::Tensor& b) {
    auto rows = x.reshape({-1, x.size(-1)});
    ctx->save_for_backward({rows, w});
    ctx->saved_data["sizes"] = x.sizes();
    auto out = at::native::mkldnn_linear_pointwise(rows, w, b, "none", c10::List<std::optional<at::Scalar>>(),
        std::nullopt);
    auto sizes = x.sizes().vec();
    sizes.back() = w.size(0);
    return out.view(sizes);
  }

  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
      torch::autograd::variable_list grads) {
    auto saved = ctx->get_saved_variables();
    const at::Tensor& rows = saved[0];
    const at::Tensor& w = saved[1];
    auto g = grads[0].reshape({-1, w.size(0)});
    at::Tensor gx, gw, gb;
    if (ctx->needs_input_grad(0)) gx = oneDnnMatmul(g, w).view(ctx->saved_data["sizes"].toIntVector());
    if (ctx->needs_input_grad(1)) gw = oneDnnMatmul(g.t(), rows);
    if (ctx->needs_input_grad(2)) gb = g.sum(0);
    return {gx, gw, gb};
  }
};

// alpha·a·b for a batch of matrices, (n, i, k)·(n, k, j): the scale is applied inside the GEMM (in its
// fp32 accumulator), forward and backward, instead of in a pass of its own over the product.
struct OneDnnBmm : torch::autograd::Function<OneDnnBmm> {
  static at::Tensor forward(torch::autograd::AutogradContext* ctx, const at::Tensor& a, const at::Tensor& b,
      double alpha) {
    ctx->save_for_backward({a, b});
    ctx->saved_data["alpha"] = alpha;
    return oneDnnMatmul(a, b, alpha);
  }

  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
      torch::autograd::variable_list grads) {
    auto saved = ctx->get_saved_variables();
    double alpha = ctx->saved_data["alpha"].toDouble();
    const at::Tensor& g = grads[0];
    at::Tensor ga, gb;
    if (ctx->needs_input_grad(0)) ga = oneDnnMatmul(g, saved[1].transpose(1, 2), alpha);
    if (ctx->needs_input_grad(1)) gb = oneDnnMatmul(saved[0].transpose(1, 2), g, alpha);
    return {ga, gb, at::Tensor()};
  }
};

// Whether mkldnn_matmul takes fp32 and bf16 on this CPU: libtorch 2.7.1 refuses both without AVX-512 (BW,
// VL, DQ) or AVX-NE-CONVERT.
bool oneDnnFp32() {
  static const bool usable = [] {
    try {
      auto a = at::ones({2, 2});
      oneDnnMatmul(a, a);
      return true;
    } catch (const c10::Error&) {
      return false;
    }
  }();
  return usable;
}

// Where products run on oneDNN: fp32 as above; bf16, which at::matmul sends to the same mkldnn_matmul.
bool productOnOneDnn(const at::Tensor& x) {
  return (x.scalar_type() == at::kFloat || x.scalar_type() == at::kBFloat16) && x.is_cpu() && oneDnnFp32();
}

// 16-bit copies of the CPU weights, kept from one step to the next (2 bytes a parameter). Casting a BERT
// layer's fp32 weights in its forward pass reads 28 MB that are no longer in any cache: ~3 ms a layer at
// 1 thread here, the largest cost besides the matmuls, with the fp32 concatenation of q, k and v another
// ~1 ms. AdamW writes the copies instead, chunk by chunk while the new weights are still in the cache
// (adamwStep). A copy is valid while its sources live and their version counters (bumped by every in-place
// change) are the ones it was made from; anything else is a miss and casts afresh.
class WeightCopies {
  struct Entry;

 public:
  // The sources concatenated along dim 0 and cast to type (one source: just cast).
  at::Tensor get(const std::vector<at::Tensor>& sources, at::ScalarType type) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto found = entries_.find(sources[0].unsafeGetTensorImpl());
    if (found != entries_.end() && found->second->matches(sources, type)) return found->second->copy;
    sweep();
    auto entry = std::make_shared<Entry>();
    for (const auto& s : sources) {
      entry->sources.emplace_back(s.getIntrusivePtr());
      entry->versions.push_back(s._version());
    }
    {
      at::NoGradGuard noGrad;
      entry->copy = (sources.size() == 1 ? sources[0] : at::cat(sources)).to(type);
    }
    for (size_t i = 0; i < sources.size(); i++) bySource_[sources[i].unsafeGetTensorImpl()] = {entry, i};
    entries_[sources[0].unsafeGetTensorImpl()] = entry;
    return entry->copy;
  }

  // Where the kept copies hold param's values (its rows of a copy, flat), for the optimiser to write its
  // new values into; nullopt when param has no copy.
  struct Rows {
    at::Tensor values;
    std::shared_ptr<Entry> entry;
    size_t index;
  };

  std::optional<Rows> rowsOf(const at::Tensor& param) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto found = bySource_.find(param.unsafeGetTensorImpl());
    if (found == bySource_.end()) return std::nullopt;
    auto& [entry, index] = found->second;
    int64_t numel = param.numel();
    if (entry->sources[index].expired() || !param.is_contiguous() ||
        entry->copy.numel() != numel * static_cast<int64_t>(entry->sources.size())) {
      return std::nullopt;
    }
    // the sources of one copy have one shape (q, k, v): param's rows start at index·numel
    return Rows{entry->copy.view(-1).narrow(0, static_cast<int64_t>(index) * numel, numel), entry, index};
  }

  // After rows.values holds param's values again: the copy is current for param's version.
  void written(const Rows& rows, const at::Tensor& param) {
    std::lock_guard<std::mutex> lock(mutex_);
    rows.entry->versions[rows.index] = param._version();
  }

  // Drops the copies whose sources are gone (a finished cell's model).
  void releaseDead() {
    std::lock_guard<std::mutex> lock(mutex_);
    sweep();
  }

 private:
  struct Entry {
    std::vector<c10::weak_intrusive_ptr<c10::TensorImpl>> sources;
    std::vector<int64_t> versions;
    at::Tensor copy;

    bool matches(const std::vector<at::Tensor>& given, at::ScalarType type) const {
      if (given.size() != sources.size() || copy.scalar_type() != type) return false;
      for (size_t i = 0; i < given.size(); i++) {
        if (sources[i].expired() || sources[i]._unsafe_get_target() != given[i].unsafeGetTensorImpl() ||
            versions[i] != given[i]._version()) {
          return false;
        }
      }
      return true;
    }
  };

  void sweep() {
    for (auto it = entries_.begin(); it != entries_.end();) {
      bool dead = std::any_of(it->second->sources.begin(), it->second->sources.end(),
          [](const auto& s) { return s.expired(); });
      it = dead ? entries_.erase(it) : std::next(it);
    }
    for (auto it = bySource_.begin(); it != bySource_.end();) {
      it = it->second.first->sources[it->second.second].expired() ? bySource_.erase(it) : std::next(it);
    }
  }

  std::mutex mutex_;
  std::unordered_map<const c10::TensorImpl*, std::shared_ptr<Entry>> entries_;  // by first source
  std::unordered_map<const c10::TensorImpl*, std::pair<std::shared_ptr<Entry>, size_t>> bySource_;
};

WeightCopies& weightCopies() {
  static auto* copies = new WeightCopies();  // never destroyed: tensors may outlive static destruction
  return *copies;
}

// The sources (fp32 master weights, concatenated along dim 0 when several) in the compute type, as a
// differentiable function of them: the gradient is split back and cast to each source's type, as
// torch's cat and cast compute it. CPU weights come from the kept copies.
struct WeightIn : torch::autograd::Function<WeightIn> {
  static at::Tensor forward(torch::autograd::AutogradContext* ctx, at::TensorList sources, int64_t type) {
    ctx->saved_data["count"] = static_cast<int64_t>(sources.size());
    ctx->saved_data["type"] = static_cast<int64_t>(sources[0].scalar_type());
    // A new tensor on the kept storage (not a view, sharing its version counter), so that autograd records
    // this call on it and not on the copy, and a refresh before the backward pass fails loudly.
    auto copy = weightCopies().get(sources.vec(), static_cast<at::ScalarType>(type));
    auto* impl = copy.unsafeGetTensorImpl();
    return at::Tensor(impl->shallow_copy_and_detach(impl->version_counter(), /*allow_tensor_metadata_change=*/false));
  }

  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
      torch::autograd::variable_list grads) {
    int64_t count = ctx->saved_data["count"].toInt();
    auto type = static_cast<at::ScalarType>(ctx->saved_data["type"].toInt());
    auto parts = grads[0].chunk(count, 0);
    torch::autograd::variable_list out(count + 1);  // one per source, none for type
    for (int64_t i = 0; i < count; i++) {
      if (ctx->needs_input_grad(i)) out[i] = parts[i].to(type);
    }
    return out;
  }
};

at::Tensor weightIn(const std::vector<at::Tensor>& sources, at::ScalarType type) {
  if (type == at::kFloat || !sources[0].is_cpu()) {
    return (sources.size() == 1 ? sources[0] : at::cat(sources)).to(type);
  }
  return WeightIn::apply(at::TensorList(sources), static_cast<int64_t>(type));
}

// x·wᵀ + b in the compute type; w and b are each one weight or several concatenated along dim 0.
at::Tensor linearIn(const at::Tensor& x, const std::vector<at::Tensor>& w, const std::vector<at::Tensor>& b,
    at::ScalarType type) {
  if (x.is_cpu() && (type == at::kFloat || type == at::kBFloat16) && oneDnnFp32()) {
    return OneDnnLinear::apply(x.to(type), weightIn(w, type), weightIn(b, type));
  }
  return at::linear(x.to(type), weightIn(w, type), weightIn(b, type));
}

// a·b/divisor over the leading dimensions of (..., i, k) a and (..., k, j) b.
at::Tensor product(const at::Tensor& a, const at::Tensor& b, double divisor = 1) {
  if (!productOnOneDnn(a)) {
    auto out = at::matmul(a, b);
    return divisor == 1 ? out : out.div_(divisor);
  }
  auto batch = a.sizes().vec();
  batch.resize(batch.size() - 2);
  auto rows = [&](const at::Tensor& t) { return t.reshape({-1, t.size(-2), t.size(-1)}); };
  auto out = OneDnnBmm::apply(rows(a), rows(b), 1 / divisor);
  batch.push_back(out.size(1));
  batch.push_back(out.size(2));
  return at::_unsafe_view(out, batch);  // as at::matmul returns it: a new tensor, free to change in place
}

// Elements a task of the element-wise kernels' parallel loops (dropout, GELU, softmax).
constexpr int64_t kGrain = 1 << 15;

// Dropout's draws: SplitMix64 (Steele, Lea and Flood 2014; Java's SplittableRandom) at counter i/2, two
// 32-bit halves per element, element i kept when its half is at least the threshold. A pure function of
// (seed, i), so any block of a tensor can be drawn apart, by any thread.
inline bool keptAt(uint64_t seed, int64_t i, uint32_t threshold) {
  uint64_t z = seed + static_cast<uint64_t>(i / 2 + 1) * 0x9E3779B97F4A7C15ull;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  z ^= z >> 31;
  return static_cast<uint32_t>(i & 1 ? z >> 32 : z) >= threshold;
}

// One dropout call's draws: its seed from libtorch's generator (at::manual_seed), so masks repeat with
// the seed and do not depend on the number of threads; kept when a uniform 32-bit draw is at least
// p·2³², probability 1 - p to within 2⁻³²; the kept scaled by 1 / (1 - p).
struct DropoutDraws {
  uint64_t seed;
  uint32_t threshold;
  float scale;

  static DropoutDraws next(double p) {
    auto generator = at::detail::getDefaultCPUGenerator();
    std::lock_guard<std::mutex> lock(generator.mutex());
    return {at::check_generator<at::CPUGeneratorImpl>(generator)->random64(),
        static_cast<uint32_t>(std::min(std::ceil(p * 4294967296.0), 4294967295.0)), static_cast<float>(1.0 / (1.0 - p))};
  }
};

// Dropout's two loops, compiled for AVX-512 too and picked at load time (GCC function multiversioning):
// vectorised, they make a mask in 0.3-0.6 ns an element here. dst[i] = src[i]·keep[i]·scale, computed in
// fp32 and rounded once, as ATen's dropout rounds it.
template <typename T>
__attribute__((target_clones("arch=x86-64-v4", "default")))
void dropoutMask(const T* src, T* dst, uint8_t* keep, int64_t first, int64_t end, DropoutDraws draws) {
  for (int64_t i = first; i < end; i++) {
    keep[i] = keptAt(draws.seed, i, draws.threshold);
    dst[i] = static_cast<T>(static_cast<float>(src[i]) * (keep[i] * draws.scale));
  }
}

template <typename T>
__attribute__((target_clones("arch=x86-64-v4", "default")))
void dropoutApply(const T* src, T* dst, const uint8_t* keep, int64_t first, int64_t end, float scale) {
  for (int64_t i = first; i < end; i++) {
    dst[i] = static_cast<T>(static_cast<float>(src[i]) * (keep[i] * scale));
  }
}

// Dropout as torch.nn.functional.dropout computes it (each element kept with probability 1 - p and
// scaled by 1 / (1 - p)), its mask kept as bytes for the backward pass. ATen's CPU dropout draws its
// mask one element at a time from mt19937 and multiplies in two more passes: 5-9 ns an element here,
// a tenth of a bf16 BERT step.
struct Dropout : torch::autograd::Function<Dropout> {
  static at::Tensor forward(torch::autograd::AutogradContext* ctx, const at::Tensor& x, double p) {
    auto in = x.contiguous();
    auto out = at::empty_like(in);
    auto keep = at::empty(in.sizes(), in.options().dtype(at::kByte));
    auto draws = DropoutDraws::next(p);
    uint8_t* mask = keep.data_ptr<uint8_t>();
    AT_DISPATCH_FLOATING_TYPES_AND2(at::kBFloat16, at::kHalf, in.scalar_type(), "dropout", [&] {
      const scalar_t* src = in.const_data_ptr<scalar_t>();
      scalar_t* dst = out.data_ptr<scalar_t>();
      at::parallel_for(0, in.numel(), kGrain, [&](int64_t first, int64_t end) {
        dropoutMask(src, dst, mask, first, end, draws);
      });
    });
    ctx->save_for_backward({keep});
    ctx->saved_data["scale"] = static_cast<double>(draws.scale);
    return out;
  }

  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
      torch::autograd::variable_list grads) {
    auto keep = ctx->get_saved_variables()[0];
    auto g = grads[0].contiguous();
    auto out = at::empty_like(g);
    auto scale = static_cast<float>(ctx->saved_data["scale"].toDouble());
    const uint8_t* mask = keep.const_data_ptr<uint8_t>();
    AT_DISPATCH_FLOATING_TYPES_AND2(at::kBFloat16, at::kHalf, g.scalar_type(), "dropout_backward", [&] {
      const scalar_t* src = g.const_data_ptr<scalar_t>();
      scalar_t* dst = out.data_ptr<scalar_t>();
      at::parallel_for(0, g.numel(), kGrain, [&](int64_t first, int64_t end) {
        dropoutApply(src, dst, mask, first, end, scale);
      });
    });
    return {out, at::Tensor()};
  }
};

// GELU (erf) of bf16 by table. A bf16 input is one of 65536 values, so x·Φ(x) and its derivative
// Φ(x) + x·φ(x) are computed once for each (in double) and looked up: the output is GELU rounded once
// to bf16, as ATen computes it in fp32 and rounds; the gradient is g·gelu'(x) in fp32, rounded once. For
// x below about -3 the table is the closer one (fp32's 1 + erf(x/√2) cancels). Measured here at a
// BERT-base layer's 32×128×3072 activations, 1 thread: forward 6.7 → 2.8 ms, backward 8.8 → 3.2 ms
// against ATen's (oneDNN's) kernels, 2 % of a bf16 step.
struct GeluTable {
  std::vector<uint32_t> value;  // gelu(x)'s bits by x's bits, 32 bits wide: AVX-512 gathers 32-bit lanes
  std::vector<float> slope;     // gelu'(x) by x's bits

  static const GeluTable& get() {
    static const GeluTable table;
    return table;
  }

 private:
  GeluTable() : value(65536), slope(65536) {
    for (uint32_t bits = 0; bits < 65536; bits++) {
      double x = static_cast<float>(c10::BFloat16(static_cast<uint16_t>(bits), c10::BFloat16::from_bits()));
      double cdf = 0.5 * std::erfc(-x / std::sqrt(2.0));
      value[bits] = c10::BFloat16(static_cast<float>(x * cdf)).x;
      slope[bits] = static_cast<float>(cdf + x * std::exp(-0.5 * x * x) / std::sqrt(2 * M_PI));
    }
  }
};

__attribute__((target_clones("arch=x86-64-v4", "default")))
void geluForward(const c10::BFloat16* src, c10::BFloat16* dst, const uint32_t* value, int64_t first, int64_t end) {
  for (int64_t i = first; i < end; i++) {
    dst[i] = c10::BFloat16(static_cast<uint16_t>(value[src[i].x]), c10::BFloat16::from_bits());
  }
}

__attribute__((target_clones("arch=x86-64-v4", "default")))
void geluBackward(const c10::BFloat16* x, const c10::BFloat16* g, c10::BFloat16* dst, const float* slope,
    int64_t first, int64_t end) {
  for (int64_t i = first; i < end; i++) dst[i] = c10::BFloat16(static_cast<float>(g[i]) * slope[x[i].x]);
}

struct GeluByTable : torch::autograd::Function<GeluByTable> {
  static at::Tensor forward(torch::autograd::AutogradContext* ctx, const at::Tensor& x) {
    auto in = x.contiguous();
    auto out = at::empty_like(in);
    const uint32_t* value = GeluTable::get().value.data();
    const auto* src = in.const_data_ptr<c10::BFloat16>();
    auto* dst = out.data_ptr<c10::BFloat16>();
    at::parallel_for(0, in.numel(), kGrain, [&](int64_t first, int64_t end) {
      geluForward(src, dst, value, first, end);
    });
    ctx->save_for_backward({in});
    return out;
  }

  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
      torch::autograd::variable_list grads) {
    auto in = ctx->get_saved_variables()[0];
    auto g = grads[0].contiguous();
    auto out = at::empty_like(g);
    const float* slope = GeluTable::get().slope.data();
    const auto* x = in.const_data_ptr<c10::BFloat16>();
    const auto* up = g.const_data_ptr<c10::BFloat16>();
    auto* dst = out.data_ptr<c10::BFloat16>();
    at::parallel_for(0, in.numel(), kGrain, [&](int64_t first, int64_t end) {
      geluBackward(x, up, dst, slope, first, end);
    });
    return {out};
  }
};

at::Tensor activate(const at::Tensor& x, int activation) {
  switch (activation) {
    case 0: return x.is_cpu() && x.scalar_type() == at::kBFloat16 ? GeluByTable::apply(x) : at::gelu(x);
    case 1: return at::gelu(x, "tanh");
    case 2: return at::relu(x);
    default: TORCH_CHECK(false, "activation code ", activation, " is not 0 (gelu), 1 (gelu_new) or 2 (relu)");
  }
}

at::Tensor dropoutIf(const at::Tensor& x, double p, bool training) {
  if (!training || p == 0) return x;
  return x.is_cpu() && p > 0 && p < 1 ? Dropout::apply(x, p) : at::dropout(x, p, true);
}

// exp(x) for x ≤ 0 (a softmax's shifted scores) in a form GCC vectorises: 2^k·e^r, k = round(x/ln 2),
// r = x - k·ln 2 (Cody and Waite's two-part ln 2) within ±ln 2/2, e^r by its Taylor series to r⁷
// (truncation below 1e-8 relative); 0 below -87, where e^x leaves fp32's normal range.
inline float expNonPositive(float x) {
  float clamped = x < -87.0f ? -87.0f : x;  // keeps 2^k normal, and k + 127 positive
  float k = std::floor(clamped * 1.44269504f + 0.5f);
  float r = clamped - k * 0.693359375f + k * 2.12194440e-4f;
  float e = 1 + r * (1 + r * (1.f / 2 + r * (1.f / 6 + r * (1.f / 24 + r * (1.f / 120 + r * (1.f / 720 +
                r * (1.f / 5040)))))));
  int32_t bits = (static_cast<int32_t>(k) + 127) << 23;
  float power;
  std::memcpy(&power, &bits, sizeof power);
  return x < -87.0f ? 0.0f : e * power;
}

// Sixteen partial sums and maxima, so that GCC vectorises the reductions without reassociating floats.
constexpr int64_t kLanes = 16;

// Rows [first, end) of softmax(scores + mask) and its dropout. A row is `length` scores, row r's mask is
// mask row r / rowsPerMask, and `row` is room for one row in fp32. Each step rounds to T as the composed
// ops round (the masked score, the probability, the dropped probability), computing in fp32 between.
template <typename T>
__attribute__((target_clones("arch=x86-64-v4", "default")))
void softmaxDropoutRows(const T* scores, const T* mask, T* probs, T* dropped, uint8_t* keep, int64_t first, int64_t end,
    int64_t length, int64_t rowsPerMask, bool dropout, DropoutDraws draws, float* row) {
  for (int64_t r = first; r < end; r++) {
    const T* s = scores + r * length;
    const T* m = mask + (r / rowsPerMask) * length;
    float top[kLanes];
    std::fill(top, top + kLanes, -std::numeric_limits<float>::infinity());
    for (int64_t j = 0; j < length; j++) {
      row[j] = static_cast<float>(static_cast<T>(static_cast<float>(s[j]) + static_cast<float>(m[j])));
    }
    int64_t j = 0;
    for (; j + kLanes <= length; j += kLanes) {
      for (int64_t l = 0; l < kLanes; l++) top[l] = row[j + l] > top[l] ? row[j + l] : top[l];
    }
    for (; j < length; j++) top[0] = row[j] > top[0] ? row[j] : top[0];
    float max = top[0];
    for (int64_t l = 1; l < kLanes; l++) max = top[l] > max ? top[l] : max;
    float part[kLanes] = {};
    for (j = 0; j < length; j++) row[j] = expNonPositive(row[j] - max);
    for (j = 0; j + kLanes <= length; j += kLanes) {
      for (int64_t l = 0; l < kLanes; l++) part[l] += row[j + l];
    }
    for (; j < length; j++) part[0] += row[j];
    float sum = 0;
    for (int64_t l = 0; l < kLanes; l++) sum += part[l];
    float inverse = 1 / sum;
    T* p = probs + r * length;
    for (j = 0; j < length; j++) p[j] = static_cast<T>(row[j] * inverse);
    if (!dropout) continue;
    for (j = 0; j < length; j++) {
      int64_t i = r * length + j;
      keep[i] = keptAt(draws.seed, i, draws.threshold);
      dropped[i] = static_cast<T>(static_cast<float>(p[j]) * (keep[i] * draws.scale));
    }
  }
}

// Rows [first, end) of the gradient through dropout and softmax: g' = g·keep·scale rounded to T (dropout's
// backward), then p·(g' - Σ g'·p) in fp32, rounded once (softmax's).
template <typename T>
__attribute__((target_clones("arch=x86-64-v4", "default")))
void softmaxDropoutGradRows(const T* grad, const T* probs, const uint8_t* keep, T* out, int64_t first, int64_t end,
    int64_t length, bool dropout, float scale, float* row) {
  for (int64_t r = first; r < end; r++) {
    const T* g = grad + r * length;
    const T* p = probs + r * length;
    if (dropout) {
      const uint8_t* k = keep + r * length;
      for (int64_t j = 0; j < length; j++) {
        row[j] = static_cast<float>(static_cast<T>(static_cast<float>(g[j]) * (k[j] * scale)));
      }
    } else {
      for (int64_t j = 0; j < length; j++) row[j] = static_cast<float>(g[j]);
    }
    float part[kLanes] = {};
    int64_t j = 0;
    for (; j + kLanes <= length; j += kLanes) {
      for (int64_t l = 0; l < kLanes; l++) part[l] += row[j + l] * static_cast<float>(p[j + l]);
    }
    for (; j < length; j++) part[0] += row[j] * static_cast<float>(p[j]);
    float dot = 0;
    for (int64_t l = 0; l < kLanes; l++) dot += part[l];
    T* o = out + r * length;
    for (j = 0; j < length; j++) o[j] = static_cast<T>(static_cast<float>(p[j]) * (row[j] - dot));
  }
}

// dropout(softmax(scores + mask)) for scores (B, N, Tq, T) and an additive mask (B, 1, 1, T), both
// contiguous fp32 or bf16, in one pass over each row instead of three (the mask's add, softmax, dropout),
// and its gradient in one. Saves the probabilities and the dropout mask, as the composed ops do; the
// masks are those the dropout kernel draws for the same seed. p 0: softmax alone.
struct SoftmaxDropout : torch::autograd::Function<SoftmaxDropout> {
  static at::Tensor forward(torch::autograd::AutogradContext* ctx, const at::Tensor& scores, const at::Tensor& mask,
      double p) {
    int64_t length = scores.size(-1), rows = scores.numel() / length;
    int64_t rowsPerMask = scores.size(1) * scores.size(2);
    bool dropout = p > 0;
    auto probs = at::empty_like(scores);
    auto dropped = dropout ? at::empty_like(scores) : probs;
    auto keep = dropout ? at::empty(scores.sizes(), scores.options().dtype(at::kByte)) : at::Tensor();
    auto draws = dropout ? DropoutDraws::next(p) : DropoutDraws{};
    AT_DISPATCH_FLOATING_TYPES_AND(at::kBFloat16, scores.scalar_type(), "softmax_dropout", [&] {
      const scalar_t* s = scores.const_data_ptr<scalar_t>();
      const scalar_t* m = mask.const_data_ptr<scalar_t>();
      scalar_t* out = probs.data_ptr<scalar_t>();
      scalar_t* d = dropped.data_ptr<scalar_t>();
      uint8_t* k = dropout ? keep.data_ptr<uint8_t>() : nullptr;
      at::parallel_for(0, rows, std::max<int64_t>(1, kGrain / length), [&](int64_t first, int64_t end) {
        std::vector<float> row(length);
        softmaxDropoutRows(s, m, out, d, k, first, end, length, rowsPerMask, dropout, draws, row.data());
      });
    });
    ctx->save_for_backward({probs, keep});
    ctx->saved_data["scale"] = static_cast<double>(draws.scale);
    return dropped;
  }

  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
      torch::autograd::variable_list grads) {
    auto saved = ctx->get_saved_variables();
    const at::Tensor& probs = saved[0];
    const at::Tensor& keep = saved[1];
    bool dropout = keep.defined();
    auto scale = static_cast<float>(ctx->saved_data["scale"].toDouble());
    auto g = grads[0].contiguous();
    auto out = at::empty_like(probs);
    int64_t length = probs.size(-1), rows = probs.numel() / length;
    AT_DISPATCH_FLOATING_TYPES_AND(at::kBFloat16, probs.scalar_type(), "softmax_dropout_backward", [&] {
      const scalar_t* up = g.const_data_ptr<scalar_t>();
      const scalar_t* pr = probs.const_data_ptr<scalar_t>();
      const uint8_t* k = dropout ? keep.const_data_ptr<uint8_t>() : nullptr;
      scalar_t* o = out.data_ptr<scalar_t>();
      at::parallel_for(0, rows, std::max<int64_t>(1, kGrain / length), [&](int64_t first, int64_t end) {
        std::vector<float> row(length);
        softmaxDropoutGradRows(up, pr, k, o, first, end, length, dropout, scale, row.data());
      });
    });
    return {out, at::Tensor(), at::Tensor()};
  }
};

// softmax(q·kᵀ/√H + mask)·v for q, k, v (B, N, T, H). CUDA takes libtorch's fused
// scaled_dot_product_attention. The CPU computes it as HF's eager attention does (under torch.autocast
// for 16-bit: scores and probabilities in the format, the softmax accumulating in fp32): the products on
// oneDNN, the mask, softmax and dropout between them in one pass (SoftmaxDropout). At BERT's shapes
// (T 128, H 64) libtorch's fused CPU kernel took 2-4x as long for forward + backward in bf16, measured
// here (a 6-layer B 8 step: 0.82 s composed, 0.93 s fused).
at::Tensor attend(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v, const at::Tensor& mask, double p,
    bool training) {
  if (q.is_cuda()) {
    return at::scaled_dot_product_attention(q, k, v, mask, training ? p : 0.0);
  }
  auto scores = product(q, k.transpose(-2, -1), std::sqrt(static_cast<double>(q.size(-1))));
  bool fused = (scores.scalar_type() == at::kFloat || scores.scalar_type() == at::kBFloat16) &&
               mask.scalar_type() == scores.scalar_type() && mask.is_contiguous() && scores.is_contiguous() &&
               mask.sizes() == at::IntArrayRef({scores.size(0), 1, 1, scores.size(3)});
  if (fused) return product(SoftmaxDropout::apply(scores, mask, training ? p : 0.0), v);
  return product(dropoutIf(at::softmax(scores.add_(mask), -1), p, training), v);
}

// BERT's attention block: LayerNorm(x + dropout(o(attention(q(x), k(x), v(x))))). x (B, T, E); mask
// additive (B, 1, 1, T), cast to the compute type as torch.autocast casts it; weights wq, bq, wk, bk, wv, bv,
// wo, bo, lnWeight, lnBias. firstOnly: the output at the first position only, (B, 1, E), its query
// attending over all T keys; what a classifier that reads only the first token needs of the last layer.
at::Tensor attentionBlock(const at::Tensor& x, const at::Tensor& mask, const std::vector<at::Tensor>& w,
    int64_t heads, double eps, double attentionDropout, double hiddenDropout, bool training, at::ScalarType type,
    bool firstOnly) {
  TORCH_CHECK(w.size() == 10, "attentionBlock takes 10 weights, got ", w.size());
  TORCH_CHECK(x.dim() == 3, "attentionBlock takes x (B, T, E), got ", x.sizes());
  int64_t B = x.size(0), E = x.size(2), H = E / heads;
  // One GEMM for q, k and v: three weights concatenated (and cast once per optimiser step). unbind, not
  // indexing: its backward stacks the gradients once, where selects would each fill a zero tensor of all
  // of them and add them. With firstOnly, q is the first position's alone, from a GEMM of its own over B
  // rows (and that layer keeps two weight copies, q's and k's with v's, instead of one).
  auto split = [&](const at::Tensor& projected, int64_t count) {  // (B, T', count·E) -> count × (B, N, T', H)
    return projected.view({B, projected.size(1), count, heads, H}).permute({2, 0, 3, 1, 4}).unbind(0);
  };
  auto residual = firstOnly ? x.narrow(1, 0, 1) : x;
  at::Tensor q, k, v;
  if (firstOnly) {
    q = split(linearIn(residual, {w[0]}, {w[1]}, type), 1)[0];
    auto kv = split(linearIn(x, {w[2], w[4]}, {w[3], w[5]}, type), 2);
    k = kv[0];
    v = kv[1];
  } else {
    auto qkv = split(linearIn(x, {w[0], w[2], w[4]}, {w[1], w[3], w[5]}, type), 3);
    q = qkv[0];
    k = qkv[1];
    v = qkv[2];
  }
  auto context = attend(q, k, v, mask.to(type), attentionDropout, training);
  context = context.transpose(1, 2).reshape({B, q.size(2), E});
  auto out = dropoutIf(linearIn(context, {w[6]}, {w[7]}, type), hiddenDropout, training);
  return at::layer_norm(out + residual, {E}, w[8], w[9], eps);
}

// The feed-forward block: LayerNorm(x + dropout(w2(dropout_inner(act(w1(x)))))). Weights w1, b1, w2, b2,
// lnWeight, lnBias.
at::Tensor feedForwardBlock(const at::Tensor& x, const std::vector<at::Tensor>& w, int activation, double eps,
    double innerDropout, double hiddenDropout, bool training, at::ScalarType type) {
  TORCH_CHECK(w.size() == 6, "feedForwardBlock takes 6 weights, got ", w.size());
  auto inner = dropoutIf(activate(linearIn(x, {w[0]}, {w[1]}, type), activation), innerDropout, training);
  auto out = dropoutIf(linearIn(inner, {w[2]}, {w[3]}, type), hiddenDropout, training);
  return at::layer_norm(out + x, {x.size(-1)}, w[4], w[5], eps);
}

// One torch.optim.AdamW(fused=True) step over a parameter group (see the JNI adamw below).
void adamwStep(const std::vector<at::Tensor>& params, const std::vector<at::Tensor>& grads,
    const std::vector<at::Tensor>& first, const std::vector<at::Tensor>& second, at::Tensor& step, double lr,
    double beta1, double beta2, double weightDecay, double eps, const std::optional<at::Tensor>& gradScale,
    const std::optional<at::Tensor>& foundInf) {
  at::NoGradGuard noGrad;
  step.add_(1);
  // The kernel only reads the step counts: one tensor serves the whole group. A parameter with kept
  // 16-bit copies is updated, then cast into its copies. On one thread that goes a chunk at a time, each
  // chunk cast while its weights, gradients and moments (8 MB) are still in the cache: 3-4 % less CPU a
  // bf16 BERT layer step (forward, backward, AdamW) than casting in the forward pass, measured here. On
  // more threads each parameter is one update and one cast, each parallel: chunks (in one parallel region
  // or one each) made AdamW 3x slower at 2 threads on this loaded machine.
  int64_t chunk = at::get_num_threads() == 1 ? int64_t{1} << 19 : std::numeric_limits<int64_t>::max();
  std::vector<at::Tensor> rest[4];
  for (size_t i = 0; i < params.size(); i++) {
    bool contiguous = grads[i].is_contiguous() && first[i].is_contiguous() && second[i].is_contiguous();
    auto rows = contiguous ? weightCopies().rowsOf(params[i]) : std::nullopt;
    if (!rows) {
      rest[0].push_back(params[i]);
      rest[1].push_back(grads[i]);
      rest[2].push_back(first[i]);
      rest[3].push_back(second[i]);
      continue;
    }
    int64_t numel = params[i].numel();
    for (int64_t from = 0; from < numel; from += std::min(chunk, numel)) {
      int64_t n = std::min(chunk, numel - from);
      auto part = [&](const at::Tensor& t) { return t.view(-1).narrow(0, from, n); };
      at::_fused_adamw_({part(params[i])}, {part(grads[i])}, {part(first[i])}, {part(second[i])}, {}, {step}, lr,
          beta1, beta2, weightDecay, eps, /*amsgrad=*/false, /*maximize=*/false, gradScale, foundInf);
      rows->values.narrow(0, from, n).copy_(part(params[i]));
    }
    weightCopies().written(*rows, params[i]);
  }
  if (!rest[0].empty()) {
    std::vector<at::Tensor> steps(rest[0].size(), step);
    at::_fused_adamw_(rest[0], rest[1], rest[2], rest[3], {}, steps, lr, beta1, beta2, weightDecay, eps,
        /*amsgrad=*/false, /*maximize=*/false, gradScale, foundInf);
  }
  if (foundInf) step.sub_(*foundInf);
}

}  // namespace

extern "C" {

JNIEXPORT jstring JNICALL Java_dropgrid_kernels_TorchNative_torchVersion(JNIEnv* env, jclass) {
  return env->NewStringUTF(TORCH_VERSION);
}

// BERT's attention block (HF BertAttention; DistilBERT, RoBERTa and ALBERT compute the same), see
// attentionBlock below.
JNIEXPORT jlong JNICALL Java_dropgrid_kernels_TorchNative_attentionBlock(JNIEnv* env, jclass, jlong jx,
    jlong jmask, jlongArray jweights, jint heads, jdouble eps, jdouble attentionDropout, jdouble hiddenDropout,
    jboolean training, jint precision, jboolean firstOnly) {
  return guarded<jlong>(env, [&] {
    return handle(attentionBlock(tensor(jx), tensor(jmask), tensors(env, jweights), heads, eps, attentionDropout,
        hiddenDropout, training, computeType(precision), firstOnly));
  });
}

// The feed-forward block (HF BertIntermediate + BertOutput, XLNetFeedForward, ALBERT's ffn), see
// feedForwardBlock below.
JNIEXPORT jlong JNICALL Java_dropgrid_kernels_TorchNative_feedForwardBlock(JNIEnv* env, jclass, jlong jx,
    jlongArray jweights, jint activation, jdouble eps, jdouble innerDropout, jdouble hiddenDropout,
    jboolean training, jint precision) {
  return guarded<jlong>(env, [&] {
    return handle(feedForwardBlock(tensor(jx), tensors(env, jweights), activation, eps, innerDropout, hiddenDropout,
        training, computeType(precision)));
  });
}

// Transformer-XL relative attention as XLNet fine-tunes with it (HF XLNetRelativeAttention, content stream
// only): LayerNorm(h + dropout(o(softmax((q·k + q·r + segment) / sqrt(H) - 1e30 mask) · v))). h (B, T, E);
// relative (R, E) positional encodings, R = 2T; segmentDiffers and masked (B, 1, T, T), 1 where two
// positions are in different segments / where a key is hidden. Weights q, k, v, o, r (E, N, H),
// rWBias, rRBias, rSBias (N, H), segEmbed (2, N, H), lnWeight, lnBias. The scores are masked and
// normalised in fp32, as under torch.autocast, where HF's fp32 mask promotes them.
JNIEXPORT jlong JNICALL Java_dropgrid_kernels_TorchNative_relativeAttentionBlock(JNIEnv* env, jclass, jlong jh,
    jlong jrelative, jlong jsegmentDiffers, jlong jmasked, jlongArray jweights, jdouble eps, jdouble p,
    jboolean training, jint precision) {
  return guarded<jlong>(env, [&] {
    const at::Tensor& h = tensor(jh);
    auto w = tensors(env, jweights);
    TORCH_CHECK(w.size() == 11, "relativeAttentionBlock takes 11 weights, got ", w.size());
    auto type = computeType(precision);
    int64_t B = h.size(0), T = h.size(1), E = h.size(2), N = w[0].size(1), H = w[0].size(2);
    auto hc = h.to(type);
    auto heads = [&](const at::Tensor& projection) {  // (B, T, E) -> (B, N, T, H)
      return at::matmul(hc, projection.to(type).reshape({E, N * H})).view({B, T, N, H}).transpose(1, 2);
    };
    auto q = heads(w[0]), k = heads(w[1]), v = heads(w[2]);
    auto kr = at::matmul(tensor(jrelative).to(type), w[4].to(type).reshape({E, N * H}))
                  .view({1, -1, N, H}).permute({0, 2, 3, 1});  // (1, N, H, R)
    auto bias = [&](const at::Tensor& b) { return b.to(type).view({1, N, 1, H}); };
    auto content = at::matmul(q + bias(w[5]), k.transpose(2, 3));  // (B, N, T, T)
    auto position = at::matmul(q + bias(w[6]), kr);                // (B, N, T, R)
    int64_t R = position.size(3);
    position = position.reshape({B, N, R, T}).narrow(2, 1, R - 1).reshape({B, N, T, R - 1}).narrow(3, 0, T);
    auto segmentScores = at::matmul(q + bias(w[7]), w[8].to(type).view({1, 2, N, H}).permute({0, 2, 3, 1}));
    auto same = segmentScores.narrow(3, 0, 1), different = segmentScores.narrow(3, 1, 1);
    auto segment = same + tensor(jsegmentDiffers).to(type) * (different - same);
    auto scores = ((content + position + segment) * (1.0 / std::sqrt(static_cast<double>(H)))).to(at::kFloat) -
                  tensor(jmasked) * 1e30;
    auto probabilities = dropoutIf(at::softmax(scores, -1), p, training).to(type);
    auto attended = at::matmul(probabilities, v).transpose(1, 2).reshape({B, T, N * H});
    auto out = dropoutIf(at::matmul(attended, w[3].to(type).reshape({E, N * H}).t()), p, training);
    return handle(at::layer_norm(out + h, {E}, w[9], w[10], eps));
  });
}

// x · wᵀ + b in the compute type, returned in x's type: heads and projections outside the blocks.
JNIEXPORT jlong JNICALL Java_dropgrid_kernels_TorchNative_linear(JNIEnv* env, jclass, jlong jx, jlong jw, jlong jb,
    jint precision) {
  return guarded<jlong>(env, [&] {
    const at::Tensor& x = tensor(jx);
    return handle(linearIn(x, {tensor(jw)}, {tensor(jb)}, computeType(precision)).to(x.scalar_type()));
  });
}

// The feed-forward block's activation of x computed in the compute type, returned in x's type: lets a
// test with fp32 tensors (all DJL holds) reach the 16-bit kernels.
JNIEXPORT jlong JNICALL Java_dropgrid_kernels_TorchNative_activation(JNIEnv* env, jclass, jlong jx, jint activation,
    jint precision) {
  return guarded<jlong>(env, [&] {
    const at::Tensor& x = tensor(jx);
    return handle(activate(x.to(computeType(precision)), activation).to(x.scalar_type()));
  });
}

// dropout(softmax(scores + mask), p) as the attention block computes it, in the compute type, returned in
// the scores' type: scores (B, N, Tq, T), additive mask (B, 1, 1, T). For tests (see activation above).
JNIEXPORT jlong JNICALL Java_dropgrid_kernels_TorchNative_softmaxDropout(JNIEnv* env, jclass, jlong jscores,
    jlong jmask, jdouble p, jint precision) {
  return guarded<jlong>(env, [&] {
    const at::Tensor& scores = tensor(jscores);
    auto type = computeType(precision);
    return handle(SoftmaxDropout::apply(scores.to(type), tensor(jmask).to(type), p).to(scores.scalar_type()));
  });
}

// torch.nn.functional.dropout(x, p, training), outside the blocks (embeddings, heads).
JNIEXPORT jlong JNICALL Java_dropgrid_kernels_TorchNative_dropout(JNIEnv* env, jclass, jlong jx, jdouble p,
    jboolean training) {
  return guarded<jlong>(env, [&] { return handle(dropoutIf(tensor(jx), p, training)); });
}

// torch.nn.utils.clip_grad_norm_'s global L2 norm (foreach), NaN/inf when a gradient is; the clipping
// itself is the AdamW step's gradScale.
JNIEXPORT jdouble JNICALL Java_dropgrid_kernels_TorchNative_globalNorm(JNIEnv* env, jclass, jlongArray jgrads) {
  return guarded<jdouble>(env, [&] {
    auto grads = tensors(env, jgrads);
    if (grads.empty()) return 0.0;
    at::NoGradGuard noGrad;
    auto total = at::linalg_vector_norm(at::stack(at::_foreach_norm(grads, 2)), 2);
    return total.item<double>();  // the step's one device-to-host copy
  });
}

// One torch.optim.AdamW(fused=True) step over a parameter group: params, grads and both moments hold
// one tensor per parameter; step is the group's 0-d float step count, advanced here (and not when
// foundInf says the step is skipped). gradScale/foundInf are 0 or the fp16 loss scaler's tensors: the
// kernel then divides the gradients by the scale and skips the step when foundInf is set.
JNIEXPORT void JNICALL Java_dropgrid_kernels_TorchNative_adamw(JNIEnv* env, jclass, jlongArray jparams,
    jlongArray jgrads, jlongArray jfirst, jlongArray jsecond, jlong jstep, jdouble lr, jdouble beta1,
    jdouble beta2, jdouble weightDecay, jdouble eps, jlong jgradScale, jlong jfoundInf) {
  guarded<int>(env, [&] {
    auto params = tensors(env, jparams);
    auto grads = tensors(env, jgrads);
    auto first = tensors(env, jfirst);
    auto second = tensors(env, jsecond);
    at::Tensor& step = tensor(jstep);
    std::optional<at::Tensor> gradScale, foundInf;
    if (jgradScale != 0) gradScale = tensor(jgradScale);
    if (jfoundInf != 0) foundInf = tensor(jfoundInf);
    adamwStep(params, grads, first, second, step, lr, beta1, beta2, weightDecay, eps, gradScale, foundInf);
    return 0;
  });
}

// torch.amp.GradScaler.unscale_: gradients /= scale in place; foundInf becomes 1 if any is NaN/inf, else 0.
JNIEXPORT void JNICALL Java_dropgrid_kernels_TorchNative_unscaleGradients(JNIEnv* env, jclass, jlongArray jgrads,
    jlong jfoundInf, jlong jscale) {
  guarded<int>(env, [&] {
    auto grads = tensors(env, jgrads);
    at::NoGradGuard noGrad;
    at::Tensor& foundInf = tensor(jfoundInf);
    foundInf.zero_();
    at::_amp_foreach_non_finite_check_and_unscale_(grads, foundInf, tensor(jscale).reciprocal());
    return 0;
  });
}

// torch.amp.GradScaler.update: halves the scale after a step with non-finite gradients, doubles it
// after growthInterval clean steps in a row.
JNIEXPORT void JNICALL Java_dropgrid_kernels_TorchNative_updateScale(JNIEnv* env, jclass, jlong jscale,
    jlong jgrowthTracker, jlong jfoundInf, jdouble growthFactor, jdouble backoffFactor, jint growthInterval) {
  guarded<int>(env, [&] {
    at::NoGradGuard noGrad;
    at::_amp_update_scale_(tensor(jscale), tensor(jgrowthTracker), tensor(jfoundInf), growthFactor, backoffFactor,
        growthInterval);
    return 0;
  });
}

// optimizer.zero_grad(set_to_none=True): the next backward writes fresh gradients instead of adding
// into zeroed ones (one memset and one add pass over every parameter less per step).
JNIEXPORT void JNICALL Java_dropgrid_kernels_TorchNative_releaseGradients(JNIEnv* env, jclass, jlongArray jparams) {
  guarded<int>(env, [&] {
    for (auto& p : tensors(env, jparams)) {
      p.mutable_grad().reset();
    }
    return 0;
  });
}

// Drops the 16-bit copies of weights that are gone, then malloc_trim(0): hands the free pages of glibc's
// heaps back to the kernel (libtorch's CPU allocator is glibc malloc). Returns whether malloc_trim released
// any memory.
JNIEXPORT jboolean JNICALL Java_dropgrid_kernels_TorchNative_releaseFreeMemory(JNIEnv* env, jclass) {
  weightCopies().releaseDead();
  return static_cast<jboolean>(malloc_trim(0) != 0);
}

// TF32 matmuls and convolutions on CUDA for fp32 compute (what TORCH_ALLOW_TF32_CUBLAS_OVERRIDE=1 sets).
JNIEXPORT void JNICALL Java_dropgrid_kernels_TorchNative_allowTf32(JNIEnv* env, jclass, jboolean allow) {
  guarded<int>(env, [&] {
    at::globalContext().setAllowTF32CuBLAS(allow);
    at::globalContext().setAllowTF32CuDNN(allow);
    return 0;
  });
}

JNIEXPORT jboolean JNICALL Java_dropgrid_kernels_TorchNative_tf32Allowed(JNIEnv* env, jclass) {
  return guarded<jboolean>(env, [&] { return static_cast<jboolean>(at::globalContext().allowTF32CuBLAS()); });
}

}  // extern "C"

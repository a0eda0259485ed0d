#!/usr/bin/env python3
"""Where the time of a medner_bench phase goes, from a perf profile with call stacks.

Each sample is put in a component (the first frame up its stack that names one: char encoder,
CRF, optimizer, data handling; otherwise the word BiLSTM and output layer) and a kind (what the
CPU runs at the leaf: GEMM, LSTM cell kernels, other elementwise work and copies, memory zeroing
and page faults). Samples of loading, dev evaluation and file writing are left out. Used for the
profile summary in docs/performance.md:

  perf record --call-graph dwarf,32768 -F 300 -o train.data \\
      build/experiments/medner_bench --only "train 1" --workdir W
  perf script -i train.data -F ip,sym --no-inline > train.txt
  experiments/bench/perf_breakdown.py train.txt
"""
import collections
import re
import sys

SETUP = ('read_conll', 'read_embeddings', 'encode_corpus', 'build_vocabularies', 'load_pretrained',
         'NerNetwork::NerNetwork', 'save_model_file', 'to_model_file', 'load_trained_model', '_dl_',
         'save_checkpoint', 'evaluate', 'encode_tokens', 'Predictor::~Predictor')
COMPONENTS = [
    ('char encoder', r'CharEncoder|final_states_over_table|lstm_recurrence_gather'),
    ('CRF', r'crf_|nll_backward|Crf::'),
    ('optimizer, gradient sum and zeroing', r'Adam::|Sgd::|clip_grad|grad_norm|GradBuffer::|add_l2|Optimizer'),
    ('data handling (batches, plans)', r'make_batch|plan_epoch|shard_bounds|plan_by_length|to_iob2|convert_tags'),
]
KINDS = [
    ('GEMM', r'gebp|gemm_pack|general_matrix_matrix|general_matrix_vector|PackedGemm'),
    ('LSTM cell kernels', r'lstm_cell|forward_column|backward_column|run_forward|run_backward'),
    ('memory: zeroing, page faults', r'memset|clear_page|page_fault|alloc_pages|^ffffffff|folio|mm_fault'),
]


def main(path, phase_root):
    text = open(path).read()
    table = collections.Counter()
    left_out = collections.Counter()
    for block in text.split('\n\n'):
        frames = [re.sub(r'^\s*[0-9a-f]+\s+', '', line) for line in block.strip().split('\n') if line.strip()]
        if not frames:
            continue
        joined = '\n'.join(frames)
        if phase_root not in joined:
            # Eigen's kernels have deep frames that perf's stack copy may cut off: count them as
            # GEMM of an unknown component rather than dropping them.
            if re.search(KINDS[0][1], frames[0]) and frames[-1] == '[unknown]':
                table[('(GEMM, stack not unwound)', 'GEMM')] += 1
            else:
                left_out['outside the phase'] += 1
            continue
        setup = SETUP + (('Predictor::tags',) if phase_root == 'train_model' else ())
        if any(s in joined for s in setup) and 'Tape::backward' not in joined and 'NerNetwork::loss' not in joined:
            left_out['loading, evaluation, files'] += 1
            continue
        component = 'word BiLSTM, output layer, tape'
        for name, pattern in COMPONENTS:
            if re.search(pattern, joined):
                component = name
                break
        kind = 'other elementwise work and copies'
        for name, pattern in KINDS:
            if re.search(pattern, frames[0]):
                kind = name
                break
        table[(component, kind)] += 1
    total = sum(table.values())
    kinds = [k for k, _ in KINDS] + ['other elementwise work and copies']
    components = sorted({c for c, _ in table}, key=lambda c: -sum(v for (cc, _), v in table.items() if cc == c))
    print(f'{total} samples in the phase; left out: ' + ', '.join(f'{k} {v}' for k, v in left_out.items()))
    print('| component | ' + ' | '.join(kinds) + ' | total |')
    print('|---|' + '---:|' * (len(kinds) + 1))
    for c in components:
        row = [100.0 * table[(c, k)] / total for k in kinds]
        print(f'| {c} | ' + ' | '.join(f'{x:.1f}%' for x in row) + f' | **{sum(row):.1f}%** |')
    col = [100.0 * sum(table[(c, k)] for c in components) / total for k in kinds]
    print('| **total** | ' + ' | '.join(f'**{x:.1f}%**' for x in col) + ' | 100% |')


if __name__ == '__main__':
    if len(sys.argv) < 2:
        sys.exit('usage: perf_breakdown.py PERF_SCRIPT_OUTPUT [ROOT_FRAME]   (ROOT_FRAME: train_model or Predictor::tags)')
    main(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else 'train_model')

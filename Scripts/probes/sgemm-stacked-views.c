/* Whether stacking three batches (a clean batch and two augmented views, as in dec_cc_hybrid's
 * finetuning) into one GEMM would make the encoder's products cheaper than three GEMMs of 256 rows:
 * times both ways for the forward (NT) and weight-gradient (TN) products of the 784-500-500-2000-10
 * encoder with OpenBLAS, best of 30.
 *
 *   gcc -O2 Scripts/probes/sgemm-stacked-views.c -o sgemm-stacked-views \
 *       -I/usr/include/x86_64-linux-gnu/openblas-pthread -lopenblas
 *   ./sgemm-stacked-views 1; ./sgemm-stacked-views 2      # threads
 */
#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double seconds(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

int main(int argc, char **argv) {
    openblas_set_num_threads(argc > 1 ? atoi(argv[1]) : 1);
    const int batch = 256, views = 3, layers[][2] = {{784, 500}, {500, 500}, {500, 2000}, {2000, 10}};
    float *x = malloc(sizeof(float) * views * batch * 2000), *w = malloc(sizeof(float) * 2000 * 2000),
          *y = malloc(sizeof(float) * views * batch * 2000);
    for (int i = 0; i < views * batch * 2000; i++) x[i] = (float)(rand() % 100) / 100, y[i] = 0;
    for (int i = 0; i < 2000 * 2000; i++) w[i] = (float)(rand() % 100) / 100;
    for (int l = 0; l < 4; l++) {
        const int in = layers[l][0], out = layers[l][1];
        double apart = 1e9, stacked = 1e9;
        for (int r = 0; r < 30; r++) {  /* forward y = x wᵀ */
            double t0 = seconds();
            for (int v = 0; v < views; v++)
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, batch, out, in, 1, x + v * batch * in, in, w, in,
                            1, y + v * batch * out, out);
            double t1 = seconds();
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, views * batch, out, in, 1, x, in, w, in, 1, y, out);
            double t2 = seconds();
            if (t1 - t0 < apart) apart = t1 - t0;
            if (t2 - t1 < stacked) stacked = t2 - t1;
        }
        printf("forward %4d->%-4d  three GEMMs %7.3f ms  one of %d rows %7.3f ms  (%.2f)\n", in, out, apart * 1e3,
               views * batch, stacked * 1e3, stacked / apart);
        apart = 1e9, stacked = 1e9;
        for (int r = 0; r < 30; r++) {  /* weight gradient dw = dyᵀ x, summed over the views */
            double t0 = seconds();
            for (int v = 0; v < views; v++)
                cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, out, in, batch, 1, y + v * batch * out, out,
                            x + v * batch * in, in, v ? 1 : 0, w, in);
            double t1 = seconds();
            cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, out, in, views * batch, 1, y, out, x, in, 0, w, in);
            double t2 = seconds();
            if (t1 - t0 < apart) apart = t1 - t0;
            if (t2 - t1 < stacked) stacked = t2 - t1;
        }
        printf("weight gradient %4d->%-4d  three GEMMs %7.3f ms  one over %d rows %7.3f ms  (%.2f)\n", in, out,
               apart * 1e3, views * batch, stacked * 1e3, stacked / apart);
    }
    return 0;
}

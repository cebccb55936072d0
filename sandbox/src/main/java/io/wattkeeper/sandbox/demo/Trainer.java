package io.wattkeeper.sandbox.demo;

import java.util.Random;

/**
 * The demo's trainer: burns one CPU core on matrix multiplications ("epochs") until stopped,
 * printing a made-up loss now and then. It exists to spend energy.
 */
public final class Trainer {
  private Trainer() {}

  public static void main(String[] args) {
    int n = 128;
    double[][] a = new double[n][n];
    double[][] b = new double[n][n];
    double[][] c = new double[n][n];
    Random r = new Random(7);
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        a[i][j] = r.nextDouble();
        b[i][j] = r.nextDouble();
      }
    }
    InferenceServer.log("training started");
    long epoch = 0;
    long lastLog = System.nanoTime();
    while (true) {
      for (int i = 0; i < n; i++) {
        for (int k = 0; k < n; k++) {
          double v = a[i][k];
          for (int j = 0; j < n; j++) {
            c[i][j] += v * b[k][j] * 1e-9;
          }
        }
      }
      epoch++;
      if (System.nanoTime() - lastLog > 10_000_000_000L) {
        InferenceServer.log(
            "epoch "
                + epoch
                + " loss "
                + String.format("%.4f", 1.0 / Math.log(epoch + 2.0) + c[0][0] * 0));
        lastLog = System.nanoTime();
      }
    }
  }
}

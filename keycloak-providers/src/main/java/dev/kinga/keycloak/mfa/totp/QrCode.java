package dev.kinga.keycloak.mfa.totp;

import com.google.zxing.BarcodeFormat;
import com.google.zxing.EncodeHintType;
import com.google.zxing.WriterException;
import com.google.zxing.common.BitMatrix;
import com.google.zxing.qrcode.QRCodeWriter;
import com.google.zxing.qrcode.decoder.ErrorCorrectionLevel;

import java.util.Map;

/** An {@code otpauth://} URI as an SVG QR code path (zxing, shipped with Keycloak): crisp, no images, no script. */
final class QrCode {

    private QrCode() {
    }

    /** {@code viewBox} size and the path data of the dark modules, with a 4-module quiet zone. */
    record Svg(int size, String path) {
    }

    static Svg svg(String text) {
        try {
            BitMatrix matrix = new QRCodeWriter().encode(text, BarcodeFormat.QR_CODE, 0, 0,
                    Map.of(EncodeHintType.ERROR_CORRECTION, ErrorCorrectionLevel.M, EncodeHintType.MARGIN, 4));
            StringBuilder path = new StringBuilder();
            for (int y = 0; y < matrix.getHeight(); y++) {
                int x = 0;
                while (x < matrix.getWidth()) {
                    if (!matrix.get(x, y)) {
                        x++;
                        continue;
                    }
                    int start = x;
                    while (x < matrix.getWidth() && matrix.get(x, y)) {
                        x++;
                    }
                    path.append('M').append(start).append(' ').append(y).append('h').append(x - start).append("v1h-").append(x - start).append('z');
                }
            }
            return new Svg(matrix.getWidth(), path.toString());
        } catch (WriterException e) {
            throw new IllegalStateException("cannot encode the QR code", e);
        }
    }
}

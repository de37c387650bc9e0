package dev.jdnn.benchmarks;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;

import java.io.IOException;

/** The results' JSON (Jackson, indented). NaN and infinities, which JSON cannot hold, are written as null. */
public final class Json {
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .registerModule(new SimpleModule().addSerializer(Double.class, new FiniteOrNull<>()).addSerializer(Float.class, new FiniteOrNull<>()));

    private Json() {}

    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("Json: cannot write " + value.getClass().getName() + ": " + e.getOriginalMessage(), e);
        }
    }

    private static final class FiniteOrNull<T extends Number> extends JsonSerializer<T> {
        @Override
        public void serialize(T value, JsonGenerator gen, SerializerProvider provider) throws IOException {
            double d = value.doubleValue();
            if (Double.isFinite(d)) gen.writeNumber(d);
            else gen.writeNull();
        }
    }
}

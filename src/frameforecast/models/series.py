"""Series models, Keras 3 functional: look-back LSTM, seq2seq LSTM with attention, seq2seq GRU/LSTM."""

from __future__ import annotations

import keras
from keras import layers


def build_lookback(look_back: int, features: int, units: int, zero_start: bool = False) -> keras.Model:
    """The Simple LSTM: LSTM(units) over `look_back` steps → Dense(1).

    zero_start: the read-out starts at zero, so an untrained model predicts no correction (the corrected
    mode's target is a correction to a naive forecast, scaled so that 0 stays 0)."""
    inputs = keras.Input((look_back, features), name="window")
    hidden = layers.LSTM(units, name="lstm")(inputs)
    readout = layers.Dense(1, kernel_initializer="zeros" if zero_start else "glorot_uniform", name="next_value")
    return keras.Model(inputs, readout(hidden), name="lookback_lstm")


def build_members(build, members: int) -> keras.Model:
    """`members` independently initialised copies of the model `build()` returns, side by side on one input: one
    output per member, named as its layer (seed_0, seed_1, …), so that each has its own loss and the whole trains
    as `members` separate models would, in one fit (frameforecast.training.members_of takes them apart)."""
    copies = [build() for _ in range(members)]
    name = copies[0].name
    inputs = keras.Input(copies[0].inputs[0].shape[1:], name=copies[0].inputs[0].name)
    for i, copy in enumerate(copies):
        copy.name = f"seed_{i}"
    return keras.Model(inputs, [copy(inputs) for copy in copies], name=f"{name}_members")


def build_seq2seq_attention(
    n_in: int, n_out: int, features: int, units: int, dropout: float, zero_start: bool = False
) -> keras.Model:
    """The Multivariate Seq2Seq original: encoder LSTM → BatchNorm on h, c → RepeatVector → decoder LSTM
    → dot attention over the encoder outputs → TimeDistributed(Dense(features)).

    zero_start: the read-out starts at zero, so an untrained model outputs exactly 0 (the corrected
    mode's targets are corrections to a naive forecast: training starts from that forecast)."""
    inputs = keras.Input((n_in, features), name="past")
    enc_out, h, c = layers.LSTM(
        units, activation="elu", dropout=dropout, return_sequences=True, return_state=True, name="encoder"
    )(inputs)
    h = layers.BatchNormalization(momentum=0.6, name="norm_h")(h)
    c = layers.BatchNormalization(momentum=0.6, name="norm_c")(c)
    repeated = layers.RepeatVector(n_out, name="repeat")(h)
    dec_out = layers.LSTM(units, activation="elu", dropout=dropout, return_sequences=True, name="decoder")(
        repeated, initial_state=[h, c]
    )
    scores = layers.Dot(axes=(2, 2), name="scores")([dec_out, enc_out])
    weights = layers.Activation("softmax", name="attention")(scores)
    context = layers.Dot(axes=(2, 1), name="context")([weights, enc_out])
    context = layers.BatchNormalization(momentum=0.6, name="norm_context")(context)
    merged = layers.Concatenate(name="merge")([context, dec_out])
    readout = layers.Dense(features, kernel_initializer="zeros" if zero_start else "glorot_uniform")
    out = layers.TimeDistributed(readout, name="future")(merged)
    return keras.Model(inputs, out, name="seq2seq_attention")


def build_signal_seq2seq(
    n_in: int,
    n_out: int,
    features_in: int,
    features_out: int,
    cell: str = "gru",
    units: int = 12,
    depth: int = 2,
    l2: float = 0.0,
) -> keras.Model:
    """seq2seq-signal-prediction: a stack of `depth` GRU (or LSTM) cells encodes, a second stack decodes
    from the encoder's final states over a zero 'GO' input, a linear layer reads each step out."""
    rnn = {"gru": layers.GRU, "lstm": layers.LSTM}[cell]
    reg = keras.regularizers.L2(l2) if l2 else None
    inputs = keras.Input((n_in, features_in), name="past")
    x, states = inputs, []
    for i in range(depth):
        outputs = rnn(units, return_sequences=True, return_state=True, kernel_regularizer=reg, name=f"encoder_{i}")(x)
        x, state = outputs[0], outputs[1:]
        states.append(list(state))
    go = layers.RepeatVector(n_out, name="go")(
        layers.Dense(1, use_bias=False, kernel_initializer="zeros", trainable=False, name="zero")(x[:, -1])
    )
    y = go
    for i in range(depth):
        y = rnn(units, return_sequences=True, kernel_regularizer=reg, name=f"decoder_{i}")(y, initial_state=states[i])
    out = layers.TimeDistributed(layers.Dense(features_out, kernel_regularizer=reg), name="future")(y)
    return keras.Model(inputs, out, name=f"seq2seq_{cell}")

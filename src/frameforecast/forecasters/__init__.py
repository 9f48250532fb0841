"""Statistical forecasters fit on a series (no Keras): what the LSTMs are compared with and what the corrected
look-back network starts from. Data modules may use them to build features (an anchor forecast); they read
no experiment data themselves."""

"""Small dims per architecture, shared by the nn and counts tests: every registered arch must
have an entry here, so adding an arch adds it to every parametrized test."""

LM_BASE = {
    "vocab_size": 97,
    "context_length": 24,
    "d_model": 32,
    "n_layers": 2,
    "n_heads": 4,
    "n_kv_heads": 4,
    "d_ff": 48,
    "norm": "rmsnorm",
    "mlp": "swiglu",
    "position": "rope",
    "bias": False,
    "tie_embeddings": False,
    "rope_theta": 10000.0,
    "norm_eps": 1e-5,
    "dropout": 0.0,
}
MLM_BASE = {
    "vocab_size": 97,
    "context_length": 24,
    "type_vocab_size": 2,
    "d_model": 32,
    "n_layers": 2,
    "n_heads": 4,
    "d_ff": 64,
    "norm_position": "post",
    "pooler": False,
    "norm_eps": 1e-12,
    "dropout": 0.0,
}
VIT_BASE = {
    "image_size": 32,
    "patch_size": 8,
    "in_channels": 3,
    "d_model": 32,
    "n_layers": 2,
    "n_heads": 4,
    "d_ff": 64,
    "num_classes": 7,
    "pool": "cls",
    "norm_eps": 1e-6,
    "dropout": 0.0,
}
RESNET_BASE = {
    "block": "basic",
    "layers": [1, 2, 1, 1],
    "width": 8,
    "in_channels": 3,
    "num_classes": 5,
    "stem": "imagenet",
    "image_size": 64,
}
VIDEO_TRANSFORMER_BASE = {
    "num_frames": 4,
    "resolution": [16, 24],
    "tubelet_size": 1,
    "patch_size": 8,
    "in_channels": 3,
    "d_model": 32,
    "n_layers": 2,
    "n_heads": 4,
    "d_ff": 64,
    "num_classes": 6,
    "norm_eps": 1e-6,
    "dropout": 0.0,
}
VIDEO_DIFFUSION_BASE = {
    "num_frames": 4,
    "resolution": [16, 24],
    "tubelet_size": 2,
    "patch_size": 8,
    "in_channels": 3,
    "d_model": 32,
    "n_layers": 2,
    "n_heads": 4,
    "d_ff": 64,
    "text_conditioning": True,
    "caption_vocab_size": 259,
    "caption_length": 12,
    "caption_d_model": 24,
    "caption_n_layers": 1,
    "caption_n_heads": 2,
}
VIDEO_CNN_BASE = {
    "block": "basic",
    "layers": [1, 2, 1, 1],
    "width": 8,
    "in_channels": 3,
    "num_classes": 5,
    "stem": "small",
    "num_frames": 4,
    "resolution": [16, 16],
}

CLIP_BASE = {
    "image_size": 32,
    "patch_size": 8,
    "in_channels": 3,
    "vision_d_model": 32,
    "vision_n_layers": 2,
    "vision_n_heads": 4,
    "vision_d_ff": 64,
    "vision_stem_channels": [],
    "vocab_size": 300,
    "context_length": 16,
    "text_d_model": 32,
    "text_n_layers": 2,
    "text_n_heads": 4,
    "text_d_ff": 64,
    "embed_dim": 24,
    "eot_id": 257,
    "norm_eps": 1e-5,
    "dropout": 0.0,
}
VLM_BASE = {
    "image_size": 32,
    "patch_size": 8,
    "in_channels": 3,
    "vision_d_model": 32,
    "vision_n_layers": 2,
    "vision_n_heads": 4,
    "vision_d_ff": 64,
    "vision_stem_channels": [],
    **{k: v for k, v in LM_BASE.items() if k != "context_length"},
    "context_length": 20,
    "n_layers": 3,
    "n_kv_heads": 2,
    "fusion": "early",
    "cross_attention_every": 2,
}
UNET_BASE = {
    "image_size": 16,
    "in_channels": 3,
    "base_channels": 8,
    "channel_mults": [1, 2, 3],
    "num_res_blocks": 2,
    "attention_resolutions": [8, 4],
    "head_channels": 8,
    "norm_groups": 4,
    "dropout": 0.0,
    "text_conditioning": True,
    "caption_vocab_size": 259,
    "caption_length": 7,
    "caption_d_model": 16,
    "caption_n_layers": 2,
    "caption_n_heads": 2,
}
HYBRID_VIT_BASE = {
    "image_size": 32,
    "in_channels": 3,
    "stem_channels": [8, 16, 32],
    "d_model": 32,
    "n_layers": 2,
    "n_heads": 4,
    "d_ff": 64,
    "num_classes": 5,
    "pool": "cls",
    "norm_eps": 1e-6,
    "dropout": 0.0,
}

AUDIO_TRANSFORMER_BASE = {
    "sample_rate": 8000,
    "clip_samples": 2000,
    "n_fft": 256,
    "hop_length": 64,
    "n_mels": 16,
    "d_model": 32,
    "n_layers": 2,
    "n_heads": 4,
    "d_ff": 64,
    "num_classes": 5,
    "norm_eps": 1e-5,
    "dropout": 0.0,
}
AUDIO_LM_BASE = {
    "sample_rate": 8000,
    "prompt_samples": 1000,
    "n_fft": 128,
    "hop_length": 64,
    "n_mels": 16,
    "n_levels": 256,
    "context_length": 24,
    "d_model": 32,
    "encoder_layers": 2,
    "encoder_d_ff": 64,
    "n_layers": 2,
    "n_heads": 4,
    "n_kv_heads": 2,
    "d_ff": 48,
    "rope_theta": 10000.0,
    "norm_eps": 1e-5,
    "dropout": 0.0,
}
SEG_UNET_BASE = {
    "image_size": 16,
    "in_channels": 3,
    "num_classes": 4,
    "base_channels": 8,
    "levels": 3,
    "convs_per_level": 2,
    "instance_head": False,
    "thing_classes": [],
}
SEGFORMER_BASE = {
    "image_size": 64,
    "in_channels": 3,
    "num_classes": 5,
    "stage_dims": [8, 16, 24, 32],
    "stage_depths": [1, 2, 1, 1],
    "stage_heads": [1, 2, 3, 4],
    "sr_ratios": [8, 4, 2, 1],
    "mlp_ratio": 4,
    "decoder_dim": 16,
    "norm_eps": 1e-6,
    "dropout": 0.0,
    "instance_head": False,
    "thing_classes": [],
}

SPEECH_SEQ2SEQ_BASE = {
    "sample_rate": 8000,
    "clip_samples": 2000,
    "n_fft": 200,
    "hop_length": 80,
    "n_mels": 16,
    "mel_scale": "slaney",
    "vocab_size": 259,
    "n_text_ctx": 12,
    "d_model": 32,
    "encoder_layers": 2,
    "decoder_layers": 2,
    "n_heads": 4,
    "d_ff": 64,
    "bos_id": 256,
    "eos_id": 257,
    "norm_eps": 1e-5,
    "dropout": 0.0,
}
SPEECH_CTC_BASE = {
    "sample_rate": 8000,
    "clip_samples": 2000,
    "n_fft": 200,
    "hop_length": 80,
    "n_mels": 16,
    "mel_scale": "slaney",
    "vocab_size": 259,
    "d_model": 32,
    "n_layers": 2,
    "n_heads": 4,
    "d_ff": 64,
    "norm_eps": 1e-5,
    "dropout": 0.0,
}

SMALL_DIMS: dict[str, dict[str, dict]] = {
    "speech_encoder_decoder": {
        "base": SPEECH_SEQ2SEQ_BASE,
        "odd_clip_uneven_depths": {
            **SPEECH_SEQ2SEQ_BASE,
            "clip_samples": 1531,
            "n_mels": 8,
            "encoder_layers": 1,
            "decoder_layers": 3,
            "vocab_size": 300,
        },
    },
    "speech_ctc": {
        "base": SPEECH_CTC_BASE,
        "odd_clip_one_layer": {
            **SPEECH_CTC_BASE,
            "clip_samples": 1531,
            "n_layers": 1,
            "vocab_size": 64,
            "hop_length": 100,
            "mel_scale": "htk",
        },
    },
    "seg_unet": {
        "rgb_three_levels": SEG_UNET_BASE,
        "gray_four_levels_three_convs_panoptic": {
            **SEG_UNET_BASE,
            "in_channels": 1,
            "image_size": 24,
            "levels": 4,
            "convs_per_level": 3,
            "instance_head": True,
            "thing_classes": [2, 3],
        },
    },
    "segformer": {
        "rgb": SEGFORMER_BASE,
        "gray_odd_stages_panoptic": {
            **SEGFORMER_BASE,
            "in_channels": 1,
            "image_size": 72,
            "instance_head": True,
            "thing_classes": [1, 4],
        },
    },
    "audio_transformer": {
        "base": AUDIO_TRANSFORMER_BASE,
        "odd_clip_one_layer": {
            **AUDIO_TRANSFORMER_BASE,
            "clip_samples": 1531,
            "n_layers": 1,
            "hop_length": 100,
            "n_mels": 8,
        },
    },
    "audio_lm": {
        "gqa": AUDIO_LM_BASE,
        "mha_odd_prompt": {
            **AUDIO_LM_BASE,
            "n_kv_heads": 4,
            "prompt_samples": 777,
            "encoder_layers": 1,
            "n_levels": 64,
        },
    },
    "decoder_lm": {
        "rope_swiglu_gqa": {**LM_BASE, "n_kv_heads": 2},
        "learned_gelu_layernorm_bias_tied": {
            **LM_BASE,
            "norm": "layernorm",
            "mlp": "gelu",
            "position": "learned",
            "bias": True,
            "tie_embeddings": True,
        },
        "rope_gelu_mqa_bias": {**LM_BASE, "n_kv_heads": 1, "mlp": "gelu", "bias": True},
        "qwen2_qkv_bias_tied": {
            **LM_BASE,
            "n_kv_heads": 2,
            "qkv_bias": True,
            "tie_embeddings": True,
        },
        "mistral_window_llama3_rope": {
            **LM_BASE,
            "n_kv_heads": 2,
            "sliding_window": 8,
            "rope_scaling": "llama3",
            "rope_scaling_factor": 8.0,
            "rope_original_context": 16,
        },
    },
    "encoder_mlm": {
        "post_norm_two_types": MLM_BASE,
        "pre_norm_one_type": {**MLM_BASE, "norm_position": "pre", "type_vocab_size": 1},
    },
    "vit": {
        "cls": VIT_BASE,
        "mean_gray": {**VIT_BASE, "pool": "mean", "in_channels": 1, "patch_size": 4},
    },
    "resnet": {
        "basic_imagenet": RESNET_BASE,
        "basic_cifar_odd_size": {**RESNET_BASE, "stem": "cifar", "image_size": 19},
        "bottleneck_imagenet_odd_size": {**RESNET_BASE, "block": "bottleneck", "image_size": 45},
        "bottleneck_cifar": {
            **RESNET_BASE,
            "block": "bottleneck",
            "stem": "cifar",
            "image_size": 16,
        },
    },
    "video_transformer": {
        "frames": VIDEO_TRANSFORMER_BASE,
        "tubelets_gray": {
            **VIDEO_TRANSFORMER_BASE,
            "num_frames": 6,
            "tubelet_size": 2,
            "in_channels": 1,
            "patch_size": 4,
        },
    },
    "video_diffusion": {
        "text_tubelets": VIDEO_DIFFUSION_BASE,
        "unconditioned_frames_gray": {
            **VIDEO_DIFFUSION_BASE,
            "text_conditioning": False,
            "tubelet_size": 1,
            "in_channels": 1,
        },
    },
    "video_cnn": {
        "basic_small": VIDEO_CNN_BASE,
        "bottleneck_kinetics_odd_size": {
            **VIDEO_CNN_BASE,
            "block": "bottleneck",
            "stem": "kinetics",
            "num_frames": 5,
            "resolution": [19, 23],
        },
    },
    "clip": {
        "rgb": CLIP_BASE,
        "gray_big_patches": {
            **CLIP_BASE,
            "in_channels": 1,
            "patch_size": 16,
            "embed_dim": 16,
            "text_n_heads": 2,
            "context_length": 9,
        },
        "hybrid_conv_stem": {**CLIP_BASE, "vision_stem_channels": [8, 16, 32]},
        "hybrid_gray_two_stages": {
            **CLIP_BASE,
            "in_channels": 1,
            "patch_size": 4,
            "vision_stem_channels": [16, 32],
        },
    },
    "vlm": {
        "early_rope_gqa": VLM_BASE,
        "cross_attention_learned_gelu_tied": {
            **VLM_BASE,
            "fusion": "cross_attention",
            "norm": "layernorm",
            "mlp": "gelu",
            "position": "learned",
            "bias": True,
            "tie_embeddings": True,
            "n_kv_heads": 4,
        },
        "late_rope_gqa": {**VLM_BASE, "fusion": "late"},
        "late_learned_gelu_tied_hybrid": {
            **VLM_BASE,
            "fusion": "late",
            "norm": "layernorm",
            "mlp": "gelu",
            "position": "learned",
            "bias": True,
            "tie_embeddings": True,
            "vision_stem_channels": [8, 16, 32],
        },
        "early_hybrid": {**VLM_BASE, "vision_stem_channels": [16, 32, 32]},
        "cross_attention_hybrid": {
            **VLM_BASE,
            "fusion": "cross_attention",
            "vision_stem_channels": [8, 16, 32],
        },
    },
    "unet": {
        "captioned": UNET_BASE,
        "unconditional_odd_size_one_block": {
            **UNET_BASE,
            "text_conditioning": False,
            "image_size": 24,
            "channel_mults": [1, 2, 2, 2],
            "num_res_blocks": 1,
            "in_channels": 1,
        },
    },
    "hybrid_vit": {
        "cls": HYBRID_VIT_BASE,
        "mean_gray_two_stages": {
            **HYBRID_VIT_BASE,
            "pool": "mean",
            "in_channels": 1,
            "stem_channels": [8, 16],
        },
    },
}

# The task encoders (tabular MLP, text encoder with a pooled head, 1-D series CNN).
TEXT_ENCODER_BASE = {**MLM_BASE, "pool": "mean", "num_outputs": 3}
SMALL_DIMS.update(
    {
        "tabular_mlp": {
            "classes": {
                "num_features": 7,
                "d_model": 32,
                "n_layers": 2,
                "d_ff": 48,
                "num_outputs": 5,
                "norm_eps": 1e-5,
                "dropout": 0.0,
            },
            "one_output_one_block": {
                "num_features": 3,
                "d_model": 16,
                "n_layers": 1,
                "d_ff": 16,
                "num_outputs": 1,
                "norm_eps": 1e-5,
                "dropout": 0.0,
            },
        },
        "text_encoder": {
            "post_norm_mean": TEXT_ENCODER_BASE,
            "pre_norm_cls_pooler": {
                **TEXT_ENCODER_BASE,
                "norm_position": "pre",
                "pool": "cls",
                "pooler": True,
                "type_vocab_size": 1,
                "num_outputs": 1,
            },
            "chunks": {**TEXT_ENCODER_BASE, "chunks": 3},
        },
        "fasttext": {
            "classes": {
                "vocab_size": 53,
                "ngram_buckets": 31,
                "d_model": 12,
                "num_outputs": 4,
                "dropout": 0.0,
            },
            "one_output": {
                "vocab_size": 7,
                "ngram_buckets": 5,
                "d_model": 3,
                "num_outputs": 1,
                "dropout": 0.0,
            },
            "chunks": {
                "vocab_size": 53,
                "ngram_buckets": 31,
                "d_model": 12,
                "num_outputs": 4,
                "dropout": 0.0,
                "chunks": 3,
            },
        },
        "series_cnn": {
            "one_channel": {
                "series_length": 20,
                "in_channels": 1,
                "width": 8,
                "n_layers": 2,
                "kernel_size": 5,
                "num_outputs": 4,
            },
            "three_channels_k3": {
                "series_length": 17,
                "in_channels": 3,
                "width": 12,
                "n_layers": 1,
                "kernel_size": 3,
                "num_outputs": 1,
            },
        },
    }
)

# The forecasters: a short window, one or two variables (the target is the last).
FORECAST_BASE = {"lookback": 20, "horizon": 6, "channels": 1}
SMALL_DIMS.update(
    {
        "tft": {
            "one_variable": {
                **FORECAST_BASE,
                "d_model": 16,
                "n_layers": 1,
                "n_heads": 4,
                "dropout": 0.0,
            },
            "two_variables_two_blocks": {
                **FORECAST_BASE,
                "channels": 2,
                "d_model": 8,
                "n_layers": 2,
                "n_heads": 2,
                "dropout": 0.0,
            },
        },
        "patchtst": {
            "one_variable": {
                **FORECAST_BASE,
                "patch_len": 8,
                "stride": 4,
                "d_model": 16,
                "n_layers": 2,
                "n_heads": 2,
                "d_ff": 32,
            },
            "two_variables_odd_stride": {
                **FORECAST_BASE,
                "channels": 2,
                "patch_len": 5,
                "stride": 3,
                "d_model": 16,
                "n_layers": 1,
                "n_heads": 4,
                "d_ff": 24,
            },
        },
        "rnn_forecaster": {
            "lstm": {**FORECAST_BASE, "cell": "lstm", "d_model": 16, "n_layers": 2, "d_ff": 12},
            "gru_two_variables": {
                **FORECAST_BASE,
                "channels": 2,
                "cell": "gru",
                "d_model": 8,
                "n_layers": 3,
                "d_ff": 8,
            },
        },
        "dlinear": {
            "one_variable": {**FORECAST_BASE, "kernel_size": 5},
            "two_variables": {**FORECAST_BASE, "channels": 2, "kernel_size": 25},
        },
        "nbeats": {
            "one_variable": {**FORECAST_BASE, "d_model": 16, "n_blocks": 3, "n_fc": 2},
            "two_variables": {
                **FORECAST_BASE,
                "channels": 2,
                "d_model": 8,
                "n_blocks": 1,
                "n_fc": 4,
            },
        },
    }
)

SMALL_DIMS["anomaly_autoencoder"] = {
    "window": {
        "window": 12,
        "channels": 2,
        "d_model": 16,
        "n_layers": 2,
        "latent_dim": 3,
        "variational": False,
        "dropout": 0.0,
    },
    "vae_row": {
        "window": 1,
        "channels": 7,
        "d_model": 8,
        "n_layers": 1,
        "latent_dim": 2,
        "variational": True,
        "dropout": 0.0,
    },
}

GNN_BASE = {
    "in_features": 5,
    "hidden": 12,
    "n_layers": 2,
    "num_outputs": 3,
    "heads": 1,
    "out_heads": 1,
    "nodes_per_graph": 7,
    "dropout": 0.0,
}
SMALL_DIMS["gnn"] = {
    "gcn_nodes": {**GNN_BASE, "conv": "gcn", "readout": "none"},
    "gat_nodes": {**GNN_BASE, "conv": "gat", "heads": 4, "out_heads": 2, "readout": "none"},
    "gat_attention": {**GNN_BASE, "conv": "gat", "heads": 3, "readout": "attention"},
    "gin_sum": {**GNN_BASE, "conv": "gin", "readout": "sum"},
    "sage_mean": {**GNN_BASE, "conv": "sage", "n_layers": 3, "readout": "mean"},
}

SMALL_DIMS["two_tower"] = {
    "towers": {"num_users": 11, "num_items": 7, "d_model": 8, "n_layers": 2},
}

YOLO_BASE = {
    "image_size": 64,
    "in_channels": 3,
    "num_classes": 5,
    "channels": [8, 16, 16, 32, 32],
    "c2f_blocks": [1, 2, 1, 1],
    "neck_blocks": 1,
    "reg_max": 16,
}
DETR_BASE = {
    "image_size": 32,
    "in_channels": 3,
    "num_classes": 5,
    "backbone_block": "basic",
    "backbone_layers": [1, 1, 1, 1],
    "backbone_width": 8,
    "backbone_stem": "cifar",
    "d_model": 32,
    "n_heads": 4,
    "encoder_layers": 1,
    "decoder_layers": 2,
    "d_ff": 64,
    "num_queries": 5,
    "dropout": 0.0,
}
SMALL_DIMS["yolo"] = {
    "rgb": YOLO_BASE,
    "gray_deeper_neck": {
        **YOLO_BASE,
        "in_channels": 1,
        "image_size": 96,
        "num_classes": 3,
        "neck_blocks": 2,
        "reg_max": 8,
        "c2f_blocks": [2, 1, 1, 2],
    },
}
SMALL_DIMS["condinst"] = {
    "rgb": YOLO_BASE,
    "gray_wide_p3": {
        **YOLO_BASE,
        "in_channels": 1,
        "image_size": 32,
        "num_classes": 2,
        "channels": [8, 16, 144, 32, 32],
        "reg_max": 4,
    },
}
SMALL_DIMS["detr"] = {
    "basic_cifar": DETR_BASE,
    "bottleneck_imagenet_gray": {
        **DETR_BASE,
        "backbone_block": "bottleneck",
        "in_channels": 1,
        "backbone_stem": "imagenet",
        "image_size": 64,
        "encoder_layers": 2,
        "decoder_layers": 1,
        "num_queries": 3,
    },
}

TAGGER_BASE = {
    "vocab_size": 50,
    "max_len": 10,
    "encoder": "transformer",
    "d_model": 16,
    "n_layers": 2,
    "n_heads": 4,
    "d_ff": 32,
    "num_classes": 5,
    "crf": False,
    "norm_eps": 1e-5,
    "dropout": 0.0,
}
SMALL_DIMS["sequence_tagger"] = {
    "transformer": TAGGER_BASE,
    "transformer_crf": {**TAGGER_BASE, "crf": True, "num_classes": 7, "n_layers": 1},
    "bilstm_crf": {**TAGGER_BASE, "encoder": "bilstm", "crf": True},
    "bilstm_one_layer": {**TAGGER_BASE, "encoder": "bilstm", "n_layers": 1, "d_model": 8},
}

SMALL_DIMS.update(
    {
        "policy_mlp": {
            "discrete": {
                "obs_dim": 4,
                "num_actions": 2,
                "continuous": False,
                "d_hidden": 16,
                "n_layers": 2,
            },
            "continuous_one_layer": {
                "obs_dim": 3,
                "num_actions": 2,
                "continuous": True,
                "d_hidden": 12,
                "n_layers": 1,
            },
        },
        "policy_cnn": {
            "nature_actor_critic": {
                "in_channels": 4,
                "image_size": 36,
                "num_actions": 3,
                "trunk": "nature",
                "head": "actor_critic",
                "d_hidden": 16,
                "res_blocks": 1,
            },
            "impala_q_values": {
                "in_channels": 3,
                "image_size": 20,
                "num_actions": 5,
                "trunk": "impala",
                "head": "q_values",
                "d_hidden": 16,
                "res_blocks": 2,
            },
        },
    }
)

SMALL_DIMS.update(
    {
        "q_mlp": {
            "cartpole": {"obs_dim": 4, "num_actions": 2, "d_hidden": 16, "n_layers": 2},
            "one_layer": {"obs_dim": 6, "num_actions": 3, "d_hidden": 8, "n_layers": 1},
        },
    }
)

SMALL_DIMS["sac_mlp"] = {
    "gaussian": {
        "obs_dim": 3,
        "num_actions": 2,
        "actor": "gaussian",
        "d_hidden": 16,
        "n_layers": 2,
    },
    "deterministic_one_layer": {
        "obs_dim": 4,
        "num_actions": 1,
        "actor": "deterministic",
        "d_hidden": 12,
        "n_layers": 1,
    },
}

SMALL_DIMS["world_model"] = {
    "discrete": {
        "obs_dim": 4,
        "num_actions": 2,
        "continuous": False,
        "d_latent": 8,
        "d_hidden": 16,
        "n_layers": 2,
    },
    "continuous_one_layer": {
        "obs_dim": 3,
        "num_actions": 2,
        "continuous": True,
        "d_latent": 6,
        "d_hidden": 12,
        "n_layers": 1,
    },
}

SMALL_DIMS["policy_transformer"] = {
    "discrete": {
        "obs_dim": 4,
        "num_actions": 2,
        "continuous": False,
        "context": 3,
        "d_model": 16,
        "n_layers": 2,
        "n_heads": 2,
        "d_ff": 32,
        "norm_eps": 1e-5,
        "dropout": 0.0,
    },
    "continuous_one_layer": {
        "obs_dim": 3,
        "num_actions": 2,
        "continuous": True,
        "context": 4,
        "d_model": 8,
        "n_layers": 1,
        "n_heads": 1,
        "d_ff": 16,
        "norm_eps": 1e-5,
        "dropout": 0.0,
    },
}

SMALL_DIMS["world_transformer"] = {
    "discrete": {
        "obs_dim": 4,
        "num_actions": 2,
        "continuous": False,
        "d_latent": 8,
        "context": 3,
        "d_model": 16,
        "n_layers": 2,
        "n_heads": 2,
        "d_ff": 32,
        "mlp_layers": 2,
        "norm_eps": 1e-5,
        "dropout": 0.0,
    },
    "continuous_one_layer": {
        "obs_dim": 3,
        "num_actions": 2,
        "continuous": True,
        "d_latent": 6,
        "context": 4,
        "d_model": 8,
        "n_layers": 1,
        "n_heads": 1,
        "d_ff": 16,
        "mlp_layers": 1,
        "norm_eps": 1e-5,
        "dropout": 0.0,
    },
}

SMALL_DIMS["world_rssm"] = {
    "discrete": {
        "obs_dim": 4,
        "num_actions": 2,
        "continuous": False,
        "d_deter": 12,
        "d_stoch": 6,
        "d_hidden": 16,
        "mlp_layers": 2,
        "min_std": 0.1,
    },
    "continuous_one_layer": {
        "obs_dim": 3,
        "num_actions": 2,
        "continuous": True,
        "d_deter": 8,
        "d_stoch": 4,
        "d_hidden": 12,
        "mlp_layers": 1,
        "min_std": 0.1,
    },
}

FUSION_BASE = {
    "modalities": ["image", "text"],
    "num_outputs": 4,
    "strategy": "hybrid",
    "encoder": "transformer",
    "d_model": 16,
    "n_layers": 2,
    "n_heads": 2,
    "d_ff": 32,
    "modality_weights": "learnable",
    "modality_dropout": 0.0,
    "num_spike_steps": 4,
    "beta": 0.9,
    "threshold": 0.5,
    "vision": "simple",
    "image_size": 16,
    "image_channels": 3,
    "text_len": 8,
    "audio_sample_rate": 8000,
    "audio_samples": 1024,
    "n_mels": 16,
    "sensor_channels": 3,
    "sensor_steps": 32,
    "num_features": 5,
    "video_channels": 3,
    "video_frames": 6,
    "video_height": 16,
    "video_width": 12,
}
# Every strategy and every encoder, each vision stem, and all six modalities at once.
SMALL_DIMS["fusion_net"] = {
    "hybrid_transformer": FUSION_BASE,
    "early": {**FUSION_BASE, "strategy": "early", "modalities": ["sensor", "tabular", "text"]},
    "late_cfc": {**FUSION_BASE, "strategy": "late", "encoder": "cfc"},
    "hierarchical_lif_three": {
        **FUSION_BASE,
        "strategy": "hierarchical",
        "encoder": "lif",
        "modalities": ["image", "sensor", "tabular"],
    },
    "cross_attention_cfc_lif_resnet": {
        **FUSION_BASE,
        "strategy": "cross_attention",
        "encoder": "cfc_lif",
        "vision": "resnet",
        "modalities": ["audio", "image"],
    },
    "aligned_audio_sensor": {
        **FUSION_BASE,
        "modalities": ["audio", "sensor", "text"],
        "align_steps": 5,
    },
    "all_six_efficient_fixed_weights": {
        **FUSION_BASE,
        "vision": "efficient",
        "modalities": ["image", "text", "audio", "sensor", "tabular", "video"],
        "modality_weights": [1.0, 2.0, 1.0, 0.5, 1.0, 1.5],
    },
    "aligned_video_audio_cfc": {
        **FUSION_BASE,
        "encoder": "cfc",
        "modalities": ["video", "audio"],
        "align_steps": 4,
    },
}

CASES = [(arch, dims) for arch, by_name in SMALL_DIMS.items() for dims in by_name.values()]
CASE_IDS = [f"{arch}-{name}" for arch, by_name in SMALL_DIMS.items() for name in by_name]


def unique_params_by_name(model, names) -> dict[str, int]:
    """Parameters of model.get_submodule(name) for each name, a shared tensor counted once,
    under the first name that holds it (so a tied LM head counts 0)."""
    seen: set[int] = set()
    counts = {}
    for name in names:
        counts[name] = 0
        for p in model.get_submodule(name).parameters():
            if id(p) not in seen:
                seen.add(id(p))
                counts[name] += p.numel()
    return counts

# 002: the Qiita article's CNN (Keras 3). ✎ marks a line changed from the document.
import numpy as np
from keras.datasets import mnist  # ✎1 the document downloads from yann.lecun.com, which no longer serves the files
from keras.layers import Conv2D, Dense, Dropout, Flatten, MaxPooling2D
from keras.models import Sequential
from keras.utils import to_categorical  # ✎2 keras.utils.np_utils was removed

(x_train, y_train), (x_test, y_test) = mnist.load_data()
x_train = x_train.astype('float32') / 255
x_test = x_test.astype('float32') / 255
y_train = to_categorical(y_train, num_classes=10)
y_test = to_categorical(y_test, num_classes=10)

model = Sequential()
model.add(Conv2D(filters=32, kernel_size=(3, 3), activation='relu', input_shape=(28, 28, 1)))
model.add(MaxPooling2D(pool_size=(2, 2), strides=(1, 1), padding="valid"))  # 26×26 → 25×25 (✎3 the text says 13×13)
model.add(Dropout(0.25))
model.add(Flatten())
model.add(Dense(units=128, activation='relu'))
model.add(Dense(units=10, activation='softmax'))
model.compile(loss='categorical_crossentropy', optimizer='sgd', metrics=['accuracy'])

model.fit(x=x_train, y=y_train, epochs=10)

loss_and_metrics = model.evaluate(x=x_test, y=y_test, batch_size=128)
print(loss_and_metrics)

predictions = model.predict(x_test)
predicted_labels = np.argmax(predictions, axis=1)
true_labels = np.argmax(y_test, axis=1)
misclassified_indices = np.where(predicted_labels != true_labels)[0]
selected_indices = np.random.choice(misclassified_indices, size=min(5, len(misclassified_indices)), replace=False)
for index in selected_indices:
    print(f'model: {predicted_labels[index]}, true: {true_labels[index]}')
